package app.oviya.memory.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A fake model server for tests, replaying the documented non-streaming wire formats of the Anthropic
 * Messages API ({@code POST /v1/messages}: a {@code tool_use} content block, {@code stop_reason},
 * {@code usage}; errors as {@code {"type":"error","error":{"type":...,"message":...}}} with 429 +
 * {@code retry-after} or 529) and of OpenAI-compatible chat completions ({@code POST
 * /v1/chat/completions}). Scripted replies are served first, in order; then an empty memory list.
 * Every request is recorded (path, headers, body, arrival time).
 */
public final class FakeModelServer implements AutoCloseable {

    public record Reply(int status, String body, Map<String, String> headers, long delayMillis) {
        public Reply slow(long millis) {
            return new Reply(status, body, headers, millis);
        }
    }

    public record Received(String path, Map<String, String> headers, JsonObject body, long atNanos) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(8);
    private final Deque<Reply> script = new ArrayDeque<>();
    private final List<Received> received = new ArrayList<>();

    public FakeModelServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/messages", ex -> handle(ex, anthropicToolUse(new JsonArray())));
        server.createContext("/v1/chat/completions", ex -> handle(ex, openAiJson(new JsonArray())));
        server.setExecutor(pool);
        server.start();
    }

    /** For Anthropic: the API root (the client appends /v1/messages). */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** For OpenAI-compatible servers: the base including /v1, as OPENAI_BASE_URL is written. */
    public String openAiBaseUrl() {
        return baseUrl() + "/v1";
    }

    public void script(Reply... replies) {
        synchronized (script) {
            script.clear();
            script.addAll(List.of(replies));
        }
    }

    public void reset() {
        script();
        synchronized (received) {
            received.clear();
        }
    }

    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    public Received last() {
        List<Received> all = received();
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    private void handle(HttpExchange exchange, Reply otherwise) throws IOException {
        long at = System.nanoTime();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.isEmpty() ? "" : v.get(0)));
        JsonObject json;
        try {
            json = new JsonObject(body);
        } catch (RuntimeException e) {
            json = new JsonObject().put("unreadable", body);
        }
        synchronized (received) {
            received.add(new Received(exchange.getRequestURI().getPath(), headers, json, at));
        }
        Reply reply;
        synchronized (script) {
            reply = script.isEmpty() ? otherwise : script.poll();
        }
        try {
            if (reply.delayMillis() > 0) {
                Thread.sleep(reply.delayMillis());
            }
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("content-type", "application/json");
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException | InterruptedException gone) {
            // the client gave up (timeout) and closed the connection
        } finally {
            exchange.close();
        }
    }

    /** One memory as the model writes it into the tool input. */
    public static JsonObject memory(String content, String kind, double importance, String category, String subject, String eventDate) {
        return new JsonObject().put("content", content).put("kind", kind).put("importance", importance).put("category", category)
                .put("subject", subject).put("event_date", eventDate);
    }

    /** A 200 Messages answer whose only content block is a forced call of record_memories. */
    public static Reply anthropicToolUse(JsonArray memories) {
        JsonObject message = new JsonObject()
                .put("id", "msg_01XFDUDYJgAACzvnptvVoYEL")
                .put("type", "message")
                .put("role", "assistant")
                .put("model", "claude-haiku-4-5-20251001")
                .put("content", new JsonArray().add(new JsonObject()
                        .put("type", "tool_use")
                        .put("id", "toolu_01A09q90qw90lq917835lq9")
                        .put("name", "record_memories")
                        .put("input", new JsonObject().put("memories", memories))))
                .put("stop_reason", "tool_use")
                .put("stop_sequence", null)
                .put("usage", new JsonObject().put("input_tokens", 912).put("output_tokens", 87)
                        .put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", 0));
        return new Reply(200, message.encode(), Map.of("request-id", "req_011CSHoEeqs5C35K2UUqR7Fy"), 0);
    }

    /** A 200 answer that ignores the tool: prose and stop_reason end_turn. */
    public static Reply anthropicText(String text) {
        JsonObject message = new JsonObject()
                .put("id", "msg_01Aq9w938a90dw8q").put("type", "message").put("role", "assistant")
                .put("model", "claude-haiku-4-5-20251001")
                .put("content", new JsonArray().add(new JsonObject().put("type", "text").put("text", text)))
                .put("stop_reason", "end_turn").put("stop_sequence", null)
                .put("usage", new JsonObject().put("input_tokens", 900).put("output_tokens", 20));
        return new Reply(200, message.encode(), Map.of(), 0);
    }

    /** An Anthropic error answer, e.g. 529 overloaded_error or 429 rate_limit_error with retry-after. */
    public static Reply anthropicError(int status, String type, String message, String retryAfter) {
        JsonObject error = new JsonObject().put("type", "error")
                .put("error", new JsonObject().put("type", type).put("message", message))
                .put("request_id", "req_011CSHoEeqs5C35K2UUqR7Fz");
        return new Reply(status, error.encode(), retryAfter == null ? Map.of() : Map.of("retry-after", retryAfter), 0);
    }

    /** A 200 chat completion whose message content is the JSON object (response_format json_schema). */
    public static Reply openAiJson(JsonArray memories) {
        JsonObject completion = new JsonObject()
                .put("id", "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG")
                .put("object", "chat.completion")
                .put("created", 1741569952)
                .put("model", "gpt-4o-mini-2024-07-18")
                .put("choices", new JsonArray().add(new JsonObject()
                        .put("index", 0)
                        .put("message", new JsonObject().put("role", "assistant")
                                .put("content", new JsonObject().put("memories", memories).encode()).put("refusal", null))
                        .put("logprobs", null)
                        .put("finish_reason", "stop")))
                .put("usage", new JsonObject().put("prompt_tokens", 850).put("completion_tokens", 60).put("total_tokens", 910));
        return new Reply(200, completion.encode(), Map.of(), 0);
    }

    /** An OpenAI-style error answer. */
    public static Reply openAiError(int status, String type, String message) {
        JsonObject error = new JsonObject().put("error", new JsonObject().put("message", message).put("type", type)
                .put("param", null).put("code", null));
        return new Reply(status, error.encode(), Map.of(), 0);
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
