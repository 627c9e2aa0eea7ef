package app.oviya.memory.client;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small OpenAI-compatible {@code POST /v1/embeddings} for tests, replaying the documented wire
 * format: {"data":[{"object":"embedding","index":0,"embedding":[...]}],"model":...,"usage":...}.
 * Vectors are a deterministic bag of hashed words, so texts sharing words are similar. Scripted
 * failures (status codes, or "slow" to exceed the client's timeout) are served first, in order.
 */
public final class FakeEmbeddingServer implements AutoCloseable {

    private final HttpServer server;
    private final int dimension;
    private final Deque<String> script = new ArrayDeque<>();
    public final AtomicInteger requests = new AtomicInteger();
    public volatile String lastAuthorization;
    public volatile JsonObject lastBody;
    /** When set, every request fails with this status (after the script). */
    public volatile int failAll;

    public FakeEmbeddingServer(int dimension) throws IOException {
        this.dimension = dimension;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/embeddings", exchange -> {
            requests.incrementAndGet();
            lastAuthorization = exchange.getRequestHeaders().getFirst("Authorization");
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String step;
            synchronized (script) {
                step = script.poll();
            }
            try {
                if ("slow".equals(step)) {
                    Thread.sleep(3000);
                    step = null;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int status = step != null ? Integer.parseInt(step) : failAll != 0 ? failAll : 200;
            String response;
            if (status == 200) {
                lastBody = new JsonObject(body);
                JsonArray input = lastBody.getValue("input") instanceof JsonArray a ? a : new JsonArray().add(lastBody.getString("input"));
                JsonArray data = new JsonArray();
                for (int i = 0; i < input.size(); i++) {
                    data.add(new JsonObject().put("object", "embedding").put("index", i).put("embedding", vector(input.getString(i))));
                }
                response = new JsonObject().put("object", "list").put("data", data).put("model", lastBody.getString("model"))
                        .put("usage", new JsonObject().put("prompt_tokens", 1).put("total_tokens", 1)).encode();
            } else {
                response = new JsonObject().put("error", new JsonObject().put("message", "scripted failure").put("type", "server_error")).encode();
            }
            byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            } catch (IOException ignored) {
                // the client gave up (timeout)
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Statuses ("500", "429", "401") or "slow" for the next requests, in order. */
    public void script(String... steps) {
        synchronized (script) {
            script.clear();
            script.addAll(java.util.List.of(steps));
        }
    }

    public void reset() {
        script();
        failAll = 0;
        requests.set(0);
    }

    JsonArray vector(String text) {
        double[] v = new double[dimension];
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!w.isEmpty()) {
                v[Math.floorMod(w.hashCode(), dimension)] += 1;
            }
        }
        v[dimension - 1] += 0.1;
        JsonArray out = new JsonArray();
        for (double x : v) {
            out.add(x);
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
