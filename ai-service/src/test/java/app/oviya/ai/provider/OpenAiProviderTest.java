package app.oviya.ai.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.common.error.ErrorCode;
import app.oviya.common.error.ServiceException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The OpenAI-compatible provider against a fake chat-completions server (vLLM/Ollama/OpenAI stream format). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenAiProviderTest {

    private Vertx vertx;
    private HttpServer server;
    private final List<JsonObject> bodies = new CopyOnWriteArrayList<>();
    private final List<HttpServerRequest> requests = new CopyOnWriteArrayList<>();
    private final List<BiConsumer<HttpServerRequest, JsonObject>> scenarios = new CopyOnWriteArrayList<>();
    private ResilientProvider provider;
    private OpenAiClient client;

    @BeforeAll
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            JsonObject body = b.toJsonObject();
            bodies.add(body);
            requests.add(req);
            (scenarios.isEmpty() ? text("Default reply.") : scenarios.remove(0)).accept(req, body);
        }));
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        client = new OpenAiClient(vertx, new OpenAiClient.Settings("http://127.0.0.1:" + server.actualPort() + "/v1", "sk-local",
                "llama-big", "llama-small", 128, Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofSeconds(3)));
        provider = new ResilientProvider(client, new ResilientProvider.Policy(1, Duration.ofMillis(10), Duration.ofMillis(40),
                Duration.ofSeconds(3), 5, Duration.ofSeconds(30)), null, Clock.systemUTC());
    }

    @AfterAll
    void stop() {
        server.close();
        vertx.close();
    }

    @BeforeEach
    void reset() {
        bodies.clear();
        requests.clear();
        scenarios.clear();
        provider.resetBreaker();
    }

    private static HttpServerResponse sse(HttpServerRequest req) {
        return req.response().setChunked(true).putHeader("content-type", "text/event-stream");
    }

    private static void data(HttpServerResponse r, JsonObject chunk) {
        if (!r.closed()) {
            r.write("data: " + chunk.encode() + "\n\n");
        }
    }

    private static JsonObject chunk(JsonObject body, String content, String finish) {
        JsonObject delta = content == null ? new JsonObject() : new JsonObject().put("content", content);
        JsonObject choice = new JsonObject().put("index", 0).put("delta", delta);
        choice.put("finish_reason", finish);
        return new JsonObject().put("id", "chatcmpl-1").put("object", "chat.completion.chunk")
                .put("model", body.getString("model")).put("choices", new JsonArray().add(choice));
    }

    BiConsumer<HttpServerRequest, JsonObject> text(String reply) {
        return (req, body) -> {
            HttpServerResponse r = sse(req);
            data(r, chunk(body, null, null).put("choices", new JsonArray().add(new JsonObject().put("index", 0)
                    .put("delta", new JsonObject().put("role", "assistant").put("content", "")))));
            r.write(": keep-alive\n\n");
            for (String w : reply.split("(?<= )")) {
                data(r, chunk(body, w, null));
            }
            data(r, chunk(body, null, "stop"));
            data(r, new JsonObject().put("id", "chatcmpl-1").put("model", body.getString("model")).put("choices", new JsonArray())
                    .put("usage", new JsonObject().put("prompt_tokens", 120).put("completion_tokens", 9)
                            .put("prompt_tokens_details", new JsonObject().put("cached_tokens", 100))));
            r.end("data: [DONE]\n\n");
        };
    }

    BiConsumer<HttpServerRequest, JsonObject> httpError(int status, String retryAfter) {
        return (req, body) -> {
            HttpServerResponse r = req.response().setStatusCode(status).putHeader("content-type", "application/json");
            if (retryAfter != null) {
                r.putHeader("retry-after", retryAfter);
            }
            r.end(new JsonObject().put("error", new JsonObject().put("message", "nope").put("type", "server_error")).encode());
        };
    }

    List<ProviderEvent> collect() {
        return provider.stream(AnthropicProviderTest.turn()).collect().asList().await().atMost(Duration.ofSeconds(15));
    }

    static ServiceException serviceFailure(Runnable call) {
        RuntimeException e = assertThrows(RuntimeException.class, call::run);
        Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return assertInstanceOf(ServiceException.class, t, t.toString());
    }

    @Test
    void normalStreamWithKeepAlivesAndAFinalUsageChunk() {
        scenarios.add(text("I'm here for you."));
        List<ProviderEvent> events = collect();
        assertEquals("I'm here for you.", AnthropicProviderTest.text(events));
        ProviderEvent.Done d = AnthropicProviderTest.done(events);
        assertEquals("llama-big", d.model());
        assertEquals("end_turn", d.stopReason());
        assertEquals(20, d.inputTokens());
        assertEquals(100, d.cacheReadTokens());
        assertEquals(9, d.outputTokens());
        assertEquals("Bearer sk-local", requests.get(0).getHeader("authorization"));
        assertEquals("/v1/chat/completions", requests.get(0).path());
        JsonObject body = bodies.get(0);
        assertTrue(body.getBoolean("stream"));
        assertEquals("system", body.getJsonArray("messages").getJsonObject(0).getString("role"));
        assertTrue(body.getJsonObject("stream_options").getBoolean("include_usage"));
    }

    @Test
    void errorInsideA200StreamIsRetried() {
        scenarios.add((req, body) -> {
            HttpServerResponse r = sse(req);
            data(r, new JsonObject().put("error", new JsonObject().put("message", "overloaded").put("type", "overloaded_error")));
            r.end();
        });
        scenarios.add(text("Second try."));
        assertEquals("Second try.", AnthropicProviderTest.text(collect()));
        assertEquals(2, bodies.size());
    }

    @Test
    void tooManyRequestsHonoursRetryAfter() {
        scenarios.add(httpError(429, "1"));
        scenarios.add(text("Thanks for waiting."));
        long start = System.nanoTime();
        assertEquals("Thanks for waiting.", AnthropicProviderTest.text(collect()));
        assertTrue((System.nanoTime() - start) / 1_000_000 >= 1000);
    }

    @Test
    void overloadedServerFallsBackToTheSmallerModelThenGivesUp() {
        for (int i = 0; i < 3; i++) {
            scenarios.add(httpError(503, null));
        }
        ServiceException e = serviceFailure(this::collect);
        assertEquals(ErrorCode.UNAVAILABLE, e.code());
        assertNotNull(e.retryAfterSeconds());
        assertEquals(3, bodies.size());
        assertEquals("llama-small", bodies.get(2).getString("model"));
    }

    @Test
    void slowFirstTokenTimesOut() {
        scenarios.add((req, body) -> {
            HttpServerResponse r = sse(req);
            r.write(": waiting\n\n");
            vertx.setTimer(4000, id -> {
                if (!r.closed()) {
                    r.end();
                }
            });
        });
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> client.stream(AnthropicProviderTest.turn(), "llama-big").collect().asList().await().atMost(Duration.ofSeconds(5)));
        assertEquals(ProviderException.Kind.TIMEOUT, assertInstanceOf(ProviderException.class, e).kind());
    }

    @Test
    void connectionCutMidStreamIsNotReplayed() {
        scenarios.add((req, body) -> {
            HttpServerResponse r = sse(req);
            data(r, chunk(body, "I hear ", null));
            vertx.setTimer(50, id -> req.connection().close());
        });
        ServiceException e = serviceFailure(this::collect);
        assertEquals(ErrorCode.UNAVAILABLE, e.code());
        assertEquals(1, bodies.size());
    }

    @Test
    void badRequestIsNotRetried() {
        scenarios.add(httpError(400, null));
        assertEquals(ErrorCode.INTERNAL, serviceFailure(this::collect).code());
        assertEquals(1, bodies.size());
    }
}
