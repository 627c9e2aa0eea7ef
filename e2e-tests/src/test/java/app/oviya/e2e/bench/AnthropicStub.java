package app.oviya.e2e.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A model server that speaks Anthropic's Messages streaming wire format ({@code POST /v1/messages},
 * SSE) and answers at once: {@code message_start}, {@code content_block_start} and the first
 * {@code content_block_delta} go out in one flush as soon as the request body is read; the rest of
 * the reply follows, one delta every {@link #DELTA_INTERVAL_MS} ms. So the time to the first token
 * seen through ai-service is the platform's own cost, not a model's.
 *
 * <p>Standalone: {@code java ... app.oviya.e2e.bench.AnthropicStub [port]} (default 8099).
 */
public final class AnthropicStub implements AutoCloseable {

    static final List<String> DELTAS = List.of("I'm ", "here ", "with ", "you. ", "Tell me more.");
    /**
     * Pause between the deltas after the first (system property {@code bench.deltaIntervalMs},
     * default 10): 10 ms makes a stream last about 40 ms, far shorter than a real reply; 500 ms
     * makes it last about 2 s, like a short reply from a hosted model.
     */
    static final long DELTA_INTERVAL_MS = Long.getLong("bench.deltaIntervalMs", 10);

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "anthropic-stub");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong streams = new AtomicLong();

    static {
        // The JDK server writes the response head and the first chunk as separate small packets;
        // without TCP_NODELAY, Nagle's algorithm holds the chunk until the client's delayed ACK
        // (about 40 ms), which is then measured as the model's time to first token. Read once,
        // when the server classes load.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private AnthropicStub(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 512);
        server.createContext("/v1/messages", this::messages);
        server.setExecutor(pool);
        server.start();
    }

    public static AnthropicStub start(int port) throws IOException {
        return new AnthropicStub(port);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** Streams answered so far. */
    public long streams() {
        return streams.get();
    }

    private void messages(HttpExchange ex) throws IOException {
        try {
            if (!"POST".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            ex.getRequestBody().readAllBytes();
            streams.incrementAndGet();
            ex.getResponseHeaders().add("content-type", "text/event-stream");
            ex.getResponseHeaders().add("cache-control", "no-cache");
            ex.getResponseHeaders().add("request-id", "req_bench");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            String id = "msg_bench_" + UUID.randomUUID().toString().replace("-", "");
            write(out, event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"" + id + "\",\"type\":\"message\","
                    + "\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5\",\"stop_reason\":null,\"stop_sequence\":null,"
                    + "\"usage\":{\"input_tokens\":120,\"output_tokens\":1,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0}}}")
                    + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
                    + delta(DELTAS.get(0)));
            for (int i = 1; i < DELTAS.size(); i++) {
                sleep(DELTA_INTERVAL_MS);
                write(out, (i == 1 ? event("ping", "{\"type\": \"ping\"}") : "") + delta(DELTAS.get(i)));
            }
            write(out, event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
                    + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                            + "\"usage\":{\"output_tokens\":" + (DELTAS.size() + 3) + "}}")
                    + event("message_stop", "{\"type\":\"message_stop\"}"));
        } catch (IOException clientWentAway) {
            // a cancelled stream: nothing to clean up
        } finally {
            ex.close();
        }
    }

    private static String delta(String text) {
        return event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\""
                + text + "\"}}");
    }

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    public static void main(String[] args) throws Exception {
        AnthropicStub stub = start(args.length > 0 ? Integer.parseInt(args[0]) : 8099);
        System.out.println("Anthropic stub on " + stub.baseUrl() + "/v1/messages (Ctrl-C to stop)");
        Thread.currentThread().join();
    }
}
