package app.oviya.ai.provider;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * A fake Anthropic Messages API on a random local port, replaying the documented SSE wire format
 * (message_start, content_block_start, ping, content_block_delta/text_delta, content_block_stop,
 * message_delta, message_stop; error events after a 200; JSON errors with retry-after and
 * anthropic-ratelimit-* headers). It also simulates prompt caching: the prefix up to each
 * {@code cache_control} breakpoint is remembered, and later requests that start with it (found from a
 * breakpoint or up to 20 blocks before one) are billed as cache reads, like the real API: the minimum
 * cacheable prefix depends on the model (1024 tokens for Sonnet 4.5/4, Opus 4.1/4; 2048 for Haiku 3.5/3;
 * 4096 for Haiku 4.5 and Opus 4.5), and an entry lives 5 minutes from its last use (write or read).
 * Tokens are estimated at 4 characters each.
 */
public final class FakeAnthropic implements AutoCloseable {

    /** What the fake does with one request. */
    public interface Scenario extends BiConsumer<HttpServerRequest, JsonObject> {
    }

    static final int MIN_CACHEABLE_TOKENS = 1024;
    static final Duration CACHE_TTL = Duration.ofMinutes(5);

    private final Vertx vertx;
    private final HttpServer server;
    private final List<JsonObject> bodies = new CopyOnWriteArrayList<>();
    private final List<HttpServerRequest> requests = new CopyOnWriteArrayList<>();
    private final List<Scenario> queue = new CopyOnWriteArrayList<>();
    /** Cached prefix → when it was last written or read (fake clock, ms). */
    private final Map<String, Long> cachedPrefixes = new HashMap<>();
    private final AtomicLong clockOffsetMs = new AtomicLong();
    private volatile Scenario fallbackScenario;

    public FakeAnthropic(Vertx vertx) {
        this(vertx, 0);
    }

    public FakeAnthropic(Vertx vertx, int port) {
        this.vertx = vertx;
        this.fallbackScenario = text("Hello from the fake.");
        this.server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            JsonObject body = b.length() == 0 ? new JsonObject() : b.toJsonObject();
            bodies.add(body);
            requests.add(req);
            Scenario s = queue.isEmpty() ? fallbackScenario : queue.remove(0);
            s.accept(req, body);
        }));
        try {
            server.listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** The next requests get these scenarios, in order; then {@link #always}. */
    public FakeAnthropic then(Scenario... scenarios) {
        queue.addAll(List.of(scenarios));
        return this;
    }

    public FakeAnthropic always(Scenario scenario) {
        this.fallbackScenario = scenario;
        return this;
    }

    public List<JsonObject> bodies() {
        return bodies;
    }

    public List<HttpServerRequest> requests() {
        return requests;
    }

    /** Moves the fake's clock forward (cache TTL tests), instead of waiting. */
    public void advanceClock(Duration d) {
        clockOffsetMs.addAndGet(d.toMillis());
    }

    private long now() {
        return System.currentTimeMillis() + clockOffsetMs.get();
    }

    /** Anthropic's minimum cacheable prompt length for a model (dated ids match their alias by prefix). */
    static int minCacheableTokens(String model) {
        String m = model == null ? "" : model;
        if (m.startsWith("claude-haiku-4-5") || m.startsWith("claude-opus-4-5") || m.startsWith("claude-opus-4-6")) {
            return 4096;
        }
        if (m.startsWith("claude-3-5-haiku") || m.startsWith("claude-3-haiku")) {
            return 2048;
        }
        return MIN_CACHEABLE_TOKENS;
    }

    public void reset() {
        bodies.clear();
        requests.clear();
        queue.clear();
        fallbackScenario = text("Hello from the fake.");
        synchronized (cachedPrefixes) {
            cachedPrefixes.clear();
        }
    }

    @Override
    public void close() {
        server.close();
    }

    // ---- scenarios ----

    /** A normal stream of the text in a few deltas, with usage (including simulated cache tokens). */
    public Scenario text(String reply) {
        return (req, body) -> stream(req, body, reply, false, false);
    }

    /** Like {@link #text} with pings and an unknown event type in the middle. */
    public Scenario textWithNoise(String reply) {
        return (req, body) -> stream(req, body, reply, true, false);
    }

    /** A 200 stream that starts, sends one delta, then an error event (e.g. overloaded_error). */
    public Scenario errorAfter200(String errorType) {
        return (req, body) -> {
            HttpServerResponse r = sse(req);
            event(r, "message_start", messageStart(body, usage(body)));
            event(r, "content_block_start", new JsonObject().put("type", "content_block_start").put("index", 0)
                    .put("content_block", new JsonObject().put("type", "text").put("text", "")));
            event(r, "error", new JsonObject().put("type", "error")
                    .put("error", new JsonObject().put("type", errorType).put("message", "Overloaded")));
            r.end();
        };
    }

    /** A JSON error with the documented shape, and optional retry-after. */
    public Scenario httpError(int status, String errorType, String retryAfter) {
        return (req, body) -> {
            HttpServerResponse r = req.response().setStatusCode(status).putHeader("content-type", "application/json")
                    .putHeader("request-id", "req_fake");
            if (retryAfter != null) {
                r.putHeader("retry-after", retryAfter);
            }
            if (status == 429) {
                r.putHeader("anthropic-ratelimit-requests-limit", "50").putHeader("anthropic-ratelimit-requests-remaining", "0")
                        .putHeader("anthropic-ratelimit-requests-reset", "2026-01-01T00:00:01Z")
                        .putHeader("anthropic-ratelimit-tokens-remaining", "0");
            }
            r.end(new JsonObject().put("type", "error")
                    .put("error", new JsonObject().put("type", errorType).put("message", errorType + " from the fake")).encode());
        };
    }

    /** message_start and a ping, then nothing for {@code millis}. */
    public Scenario slowFirstToken(long millis, String reply) {
        return (req, body) -> {
            HttpServerResponse r = sse(req);
            event(r, "message_start", messageStart(body, usage(body)));
            event(r, "ping", new JsonObject().put("type", "ping"));
            vertx.setTimer(millis, id -> {
                if (!r.closed()) {
                    stream(req, body, reply, false, true);
                }
            });
        };
    }

    /** Starts streaming, sends one delta, then closes the TCP connection. */
    public Scenario cutMidStream() {
        return (req, body) -> {
            HttpServerResponse r = sse(req);
            event(r, "message_start", messageStart(body, usage(body)));
            event(r, "content_block_start", new JsonObject().put("type", "content_block_start").put("index", 0)
                    .put("content_block", new JsonObject().put("type", "text").put("text", "")));
            event(r, "content_block_delta", textDelta("I hear "));
            vertx.setTimer(50, id -> req.connection().close());
        };
    }

    // ---- wire format ----

    private void stream(HttpServerRequest req, JsonObject body, String reply, boolean noise, boolean alreadyStarted) {
        HttpServerResponse r = alreadyStarted ? req.response() : sse(req);
        JsonObject usage = usage(body);
        if (!alreadyStarted) {
            event(r, "message_start", messageStart(body, usage));
        }
        event(r, "content_block_start", new JsonObject().put("type", "content_block_start").put("index", 0)
                .put("content_block", new JsonObject().put("type", "text").put("text", "")));
        if (noise) {
            event(r, "ping", new JsonObject().put("type", "ping"));
        }
        String[] words = reply.split("(?<= )");
        for (int i = 0; i < words.length; i++) {
            event(r, "content_block_delta", textDelta(words[i]));
            if (noise && i == 0) {
                event(r, "ping", new JsonObject().put("type", "ping"));
                event(r, "content_block_delta", new JsonObject().put("type", "content_block_delta").put("index", 0)
                        .put("delta", new JsonObject().put("type", "citations_delta").put("citation", new JsonObject())));
                event(r, "brand_new_event", new JsonObject().put("type", "brand_new_event").put("hello", "future"));
                r.write(": a comment line\n\n");
            }
        }
        event(r, "content_block_stop", new JsonObject().put("type", "content_block_stop").put("index", 0));
        long out = Math.max(1, reply.length() / 4);
        event(r, "message_delta", new JsonObject().put("type", "message_delta")
                .put("delta", new JsonObject().put("stop_reason", "end_turn").putNull("stop_sequence"))
                .put("usage", new JsonObject().put("output_tokens", out)));
        event(r, "message_stop", new JsonObject().put("type", "message_stop"));
        r.end();
    }

    private static HttpServerResponse sse(HttpServerRequest req) {
        return req.response().setStatusCode(200).setChunked(true).putHeader("content-type", "text/event-stream")
                .putHeader("cache-control", "no-cache").putHeader("request-id", "req_fake");
    }

    private static void event(HttpServerResponse r, String name, JsonObject data) {
        if (!r.closed()) {
            r.write("event: " + name + "\ndata: " + data.encode() + "\n\n");
        }
    }

    private static JsonObject textDelta(String text) {
        return new JsonObject().put("type", "content_block_delta").put("index", 0)
                .put("delta", new JsonObject().put("type", "text_delta").put("text", text));
    }

    private static JsonObject messageStart(JsonObject body, JsonObject usage) {
        return new JsonObject().put("type", "message_start").put("message", new JsonObject()
                .put("id", "msg_fake").put("type", "message").put("role", "assistant").put("content", new JsonArray())
                .put("model", body.getString("model", "claude-fake")).putNull("stop_reason").putNull("stop_sequence")
                .put("usage", usage));
    }

    static long tokens(String text) {
        return text == null ? 0 : (text.length() + 3) / 4;
    }

    /** Input usage with prompt caching simulated from the cache_control breakpoints of the request. */
    JsonObject usage(JsonObject body) {
        List<String> parts = new ArrayList<>();
        List<Integer> breakpoints = new ArrayList<>();
        JsonArray system = body.getJsonArray("system", new JsonArray());
        for (int i = 0; i < system.size(); i++) {
            JsonObject b = system.getJsonObject(i);
            parts.add("system:" + b.getString("text"));
            if (b.containsKey("cache_control")) {
                breakpoints.add(parts.size());
            }
        }
        JsonArray messages = body.getJsonArray("messages", new JsonArray());
        for (int m = 0; m < messages.size(); m++) {
            JsonObject msg = messages.getJsonObject(m);
            Object content = msg.getValue("content");
            if (content instanceof String s) {
                parts.add(msg.getString("role") + ":" + s);
            } else if (content instanceof JsonArray blocks) {
                for (int i = 0; i < blocks.size(); i++) {
                    JsonObject b = blocks.getJsonObject(i);
                    parts.add(msg.getString("role") + ":" + b.getString("text"));
                    if (b.containsKey("cache_control")) {
                        breakpoints.add(parts.size());
                    }
                }
            }
        }
        long total = 0;
        long[] prefixTokens = new long[parts.size() + 1];
        for (int i = 0; i < parts.size(); i++) {
            total += tokens(parts.get(i).substring(parts.get(i).indexOf(':') + 1));
            prefixTokens[i + 1] = total;
        }
        long read = 0;
        long write = 0;
        // Caches are per model, like the API's.
        String model = body.getString("model", "");
        int min = minCacheableTokens(model);
        long now = now();
        synchronized (cachedPrefixes) {
            cachedPrefixes.values().removeIf(lastUsed -> now - lastUsed >= CACHE_TTL.toMillis());
            // Like the API: each breakpoint also finds entries at the ~20 block boundaries before it.
            for (int bp : breakpoints) {
                for (int k = bp; k >= Math.max(1, bp - 20); k--) {
                    String prefix = model + "\u0001" + String.join("\u0000", parts.subList(0, k));
                    if (cachedPrefixes.containsKey(prefix)) {
                        read = Math.max(read, prefixTokens[k]);
                        cachedPrefixes.put(prefix, now); // a hit refreshes the entry's 5 minutes
                        break;
                    }
                }
            }
            if (!breakpoints.isEmpty()) {
                int last = breakpoints.get(breakpoints.size() - 1);
                if (prefixTokens[last] >= min && prefixTokens[last] > read) {
                    write = prefixTokens[last] - read;
                }
                for (int bp : breakpoints) {
                    if (prefixTokens[bp] >= min) {
                        cachedPrefixes.put(model + "\u0001" + String.join("\u0000", parts.subList(0, bp)), now);
                    }
                }
            }
        }
        return new JsonObject().put("input_tokens", total - read - write).put("output_tokens", 1)
                .put("cache_creation_input_tokens", write).put("cache_read_input_tokens", read);
    }
}
