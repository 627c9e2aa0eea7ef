package app.oviya.memory.client;

import static app.oviya.memory.client.FakeModelServer.memory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.memory.client.FakeModelServer.Reply;
import app.oviya.memory.service.Candidate;
import app.oviya.memory.service.ExtractionSchema;
import app.oviya.memory.service.Extractor;
import app.oviya.memory.service.LlmExtractor;
import app.oviya.memory.service.RuleBasedExtractor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The two wire formats against the fake model server, without the application: the OpenAI-compatible
 * path end to end through the LLM extractor (one happy path, one failure falling back to the rules),
 * and how answers of both providers that cannot be used are classified. Retries, timeouts and the
 * circuit breaker are covered with the application in LlmExtractionGrpcTest.
 */
class StructuredClientsTest {

    static Vertx vertx;
    static WebClient web;
    static FakeModelServer fake;
    static final Extractor.Turn TURN = new Extractor.Turn("I live in Chennai and my exam is tomorrow", Instant.parse("2026-03-10T09:00:00Z"));
    static final ExtractionSchema SCHEMA = new ExtractionSchema(new ExtractionSchema.Limits(10, 300, 4000, 1024));

    SimpleMeterRegistry metrics;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        web = WebClient.create(vertx);
        fake = new FakeModelServer();
    }

    @AfterAll
    static void stop() {
        fake.close();
        web.close();
        vertx.closeAndAwait();
    }

    @BeforeEach
    void clean() {
        fake.reset();
        metrics = new SimpleMeterRegistry();
    }

    OpenAiStructuredClient openAi(OpenAiStructuredClient.Style style) {
        return new OpenAiStructuredClient(web, fake.openAiBaseUrl(), Optional.of("sk-test"), "gpt-4o-mini", Duration.ofSeconds(2), style);
    }

    AnthropicStructuredClient anthropic() {
        return new AnthropicStructuredClient(web, fake.baseUrl(), Optional.of("sk-ant-test"), "claude-haiku-4-5", Duration.ofSeconds(2));
    }

    List<Candidate> extractWith(StructuredOutputModel model) {
        return new LlmExtractor(model, new RuleBasedExtractor(), SCHEMA, Duration.ofSeconds(5), metrics).extract(TURN)
                .await().atMost(Duration.ofSeconds(10));
    }

    double fallbacks(String reason) {
        var c = metrics.find("oviya.memory.extraction.fallbacks").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void openAiCompatibleJsonSchemaHappyPath() {
        fake.script(FakeModelServer.openAiJson(new JsonArray()
                .add(memory("User lives in Chennai", "fact", 0.8, "none", "residence", null))
                .add(memory("User's exam is on Wednesday 2026-03-11", "event", 0.8, "none", "event:exam", "2026-03-11"))));

        List<Candidate> got = extractWith(openAi(OpenAiStructuredClient.Style.JSON_SCHEMA));

        assertEquals(List.of(new Candidate("User lives in Chennai", "fact", 0.8f, "residence", null, null),
                new Candidate("User's exam is on Wednesday 2026-03-11", "event", 0.8f, "event:exam:2026-03-11", null, LocalDate.of(2026, 3, 11))), got);
        FakeModelServer.Received req = fake.last();
        assertEquals("/v1/chat/completions", req.path());
        assertEquals("Bearer sk-test", req.header("authorization"));
        JsonObject body = req.body();
        assertEquals("gpt-4o-mini", body.getString("model"));
        JsonObject format = body.getJsonObject("response_format");
        assertEquals("json_schema", format.getString("type"));
        assertEquals("record_memories", format.getJsonObject("json_schema").getString("name"));
        assertEquals(true, format.getJsonObject("json_schema").getBoolean("strict"));
        assertEquals(ExtractionSchema.schema(), format.getJsonObject("json_schema").getJsonObject("schema"));
        JsonArray messages = body.getJsonArray("messages");
        assertEquals(2, messages.size(), "the extractor's instructions and the user's message, nothing else");
        assertEquals("system", messages.getJsonObject(0).getString("role"));
        assertEquals("user", messages.getJsonObject(1).getString("role"));
        assertTrue(messages.getJsonObject(1).getString("content").contains("<user_message>\n" + TURN.userText() + "\n</user_message>"));
        assertTrue(messages.getJsonObject(1).getString("content").contains("2026-03-10"));
        assertEquals(910, metrics.find("oviya.memory.extraction.tokens").tag("type", "input").counter().count()
                + metrics.find("oviya.memory.extraction.tokens").tag("type", "output").counter().count());
        assertEquals(0, fallbacks("server_error"));
    }

    @Test
    void openAiCompatibleServerErrorFallsBackToTheRules() {
        fake.script(FakeModelServer.openAiError(500, "server_error", "The server had an error while processing your request."));

        List<Candidate> got = extractWith(openAi(OpenAiStructuredClient.Style.JSON_SCHEMA));

        assertEquals(new RuleBasedExtractor().extract(TURN.userText(), TURN.sentOn()), got, "the rules extracted the turn");
        assertTrue(got.stream().anyMatch(c -> c.content().equals("User lives in Chennai")));
        assertEquals(1, fallbacks("server_error"));
        assertEquals(1, fake.received().size(), "no retry without the guard");
    }

    @Test
    void openAiToolsStyleForcesTheFunctionAndReadsItsArguments() {
        JsonObject args = new JsonObject().put("memories", new JsonArray().add(memory("User lives in Chennai", "fact", 0.8, "none", "residence", null)));
        JsonObject completion = new JsonObject().put("model", "llama3.1").put("choices", new JsonArray().add(new JsonObject()
                .put("message", new JsonObject().put("role", "assistant").put("content", null).put("tool_calls", new JsonArray()
                        .add(new JsonObject().put("id", "call_1").put("type", "function").put("function",
                                new JsonObject().put("name", "record_memories").put("arguments", args.encode())))))
                .put("finish_reason", "tool_calls")));
        fake.script(new Reply(200, completion.encode(), Map.of(), 0));

        List<Candidate> got = extractWith(openAi(OpenAiStructuredClient.Style.TOOLS));

        assertEquals(List.of("User lives in Chennai"), got.stream().map(Candidate::content).toList());
        JsonObject body = fake.last().body();
        assertEquals("record_memories", body.getJsonObject("tool_choice").getJsonObject("function").getString("name"));
        assertEquals(ExtractionSchema.schema(), body.getJsonArray("tools").getJsonObject(0).getJsonObject("function").getJsonObject("parameters"));
        assertNull(body.getValue("response_format"));
    }

    @Test
    void unusableAnswersAreClassified() {
        ModelCallFailure cutOff = call(anthropic(), new Reply(200, new JsonObject().put("type", "message").put("stop_reason", "max_tokens")
                .put("content", new JsonArray().add(new JsonObject().put("type", "tool_use").put("name", "record_memories")
                        .put("input", new JsonObject()))).encode(), Map.of(), 0));
        assertEquals(ModelCallFailure.Reason.MALFORMED, cutOff.reason());

        ModelCallFailure proxy = call(anthropic(), new Reply(502, "<html>Bad Gateway</html>", Map.of(), 0));
        assertEquals(ModelCallFailure.Reason.SERVER_ERROR, proxy.reason());
        assertTrue(proxy.isTransient());

        ModelCallFailure limited = call(anthropic(), FakeModelServer.anthropicError(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit", "7"));
        assertEquals(ModelCallFailure.Reason.RATE_LIMITED, limited.reason());
        assertEquals("rate_limit_error", limited.errorType());
        assertEquals(Duration.ofSeconds(7), limited.retryAfter());

        ModelCallFailure badKey = call(anthropic(), FakeModelServer.anthropicError(401, "authentication_error", "invalid x-api-key", null));
        assertEquals(ModelCallFailure.Reason.REJECTED, badKey.reason());
        assertTrue(!badKey.isTransient());

        JsonObject refusal = new JsonObject().put("choices", new JsonArray().add(new JsonObject().put("finish_reason", "stop")
                .put("message", new JsonObject().put("role", "assistant").put("content", null).put("refusal", "I can't help with that."))));
        assertEquals(ModelCallFailure.Reason.MALFORMED, call(openAi(OpenAiStructuredClient.Style.JSON_SCHEMA),
                new Reply(200, refusal.encode(), Map.of(), 0)).reason());

        ModelCallFailure refused = assertThrows(ModelCallFailure.class, () -> new AnthropicStructuredClient(web, "http://127.0.0.1:1",
                Optional.empty(), "m", Duration.ofSeconds(1)).call(SCHEMA.request(TURN)).await().atMost(Duration.ofSeconds(10)));
        assertEquals(ModelCallFailure.Reason.CONNECTION, refused.reason());
    }

    ModelCallFailure call(StructuredOutputModel model, Reply reply) {
        fake.script(reply);
        return assertThrows(ModelCallFailure.class, () -> model.call(SCHEMA.request(TURN)).await().atMost(Duration.ofSeconds(10)));
    }
}
