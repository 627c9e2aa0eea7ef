package app.oviya.memory.api;

import static app.oviya.memory.client.FakeModelServer.memory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.common.testing.GrpcTestSupport;
import app.oviya.memory.client.FakeEmbeddingServer;
import app.oviya.memory.client.FakeModelServer;
import app.oviya.memory.v1.ExtractFromTurnRequest;
import app.oviya.memory.v1.ListRequest;
import app.oviya.memory.v1.Memory;
import app.oviya.memory.v1.MemoryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * memory-service with MEMORY_EXTRACTION=llm against a fake Anthropic Messages API: the model's
 * memories are validated, consolidated and stored; the request carries the forced tool, the schema,
 * the user's own words and the day they were sent, and nothing else to extract from; a model that
 * fails (malformed output, 4xx, timeouts, a retry-after too long to wait) leaves the turn to the
 * rules and is counted; 529 and 429 are retried, honouring retry-after.
 */
@QuarkusTest
@TestProfile(LlmExtractionGrpcTest.Llm.class)
@QuarkusTestResource(value = LlmExtractionGrpcTest.FakeAnthropic.class, restrictToAnnotatedClass = true)
class LlmExtractionGrpcTest {

    static final String SENT_AT = "2026-03-10T09:00:00Z";

    public static class Llm implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Hosted embeddings from the fake server: the in-process model's native tokenizer can only be
            // loaded by one Quarkus application per test JVM, and MemoryGrpcServiceTest needs it.
            return Map.ofEntries(Map.entry("oviya.embedding.provider", "openai"),
                    Map.entry("oviya.embedding.api-key", "sk-test"),
                    Map.entry("oviya.extraction.mode", "llm"),
                    Map.entry("oviya.extraction.provider", "anthropic"),
                    Map.entry("oviya.extraction.anthropic.api-key", "sk-ant-test"),
                    Map.entry("oviya.extraction.timeout", "1500ms"),
                    Map.entry("oviya.extraction.budget", "8s"),
                    Map.entry("oviya.extraction.max-retries", "2"),
                    Map.entry("oviya.extraction.retry-backoff", "20ms"),
                    Map.entry("oviya.extraction.max-retry-after", "2s"),
                    Map.entry("oviya.extraction.circuit-breaker.request-volume", "1000"));
        }
    }

    public static class FakeAnthropic implements QuarkusTestResourceLifecycleManager {
        static FakeModelServer server;
        static FakeEmbeddingServer embeddings;

        @Override
        public Map<String, String> start() {
            try {
                server = new FakeModelServer();
                embeddings = new FakeEmbeddingServer(384);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            return Map.of("oviya.extraction.anthropic.base-url", server.baseUrl(), "oviya.embedding.base-url", embeddings.baseUrl());
        }

        @Override
        public void stop() {
            server.close();
            embeddings.close();
        }
    }

    @TestHTTPResource("/")
    URL url;

    @Inject
    MeterRegistry metrics;

    ManagedChannel channel;
    MemoryServiceGrpc.MemoryServiceBlockingStub memory;
    FakeModelServer fake;

    @BeforeEach
    void connect() {
        channel = GrpcTestSupport.channel(url.getPort());
        memory = MemoryServiceGrpc.newBlockingStub(channel);
        fake = FakeAnthropic.server;
        fake.reset();
    }

    @AfterEach
    void disconnect() {
        fake.reset();
        CircuitBreakerMaintenance.get().resetAll();
        GrpcTestSupport.close(channel);
    }

    List<Memory> extract(String user, String text) {
        return memory.extractFromTurn(ExtractFromTurnRequest.newBuilder().setUserId(user).setMessageId(UUID.randomUUID().toString())
                .setUserText(text).setSentAt(SENT_AT).build()).getStoredList();
    }

    List<String> current(String user) {
        return memory.list(ListRequest.newBuilder().setUserId(user).build()).getItemsList().stream().map(Memory::getContent).toList();
    }

    double count(String name, String tag, String value) {
        Counter c = metrics.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    static FakeModelServer.Reply toolUse(JsonObject... memories) {
        return FakeModelServer.anthropicToolUse(new JsonArray(List.of((Object[]) memories)));
    }

    @Test
    void theModelsMemoriesAreValidatedConsolidatedAndStored() {
        String user = UUID.randomUUID().toString();
        String text = "I live in Berlin and my interview is next Friday";
        fake.script(toolUse(
                memory("User lives in Berlin", "fact", 0.8, "none", "residence", null),
                memory("User's interview is on Friday 2026-03-20", "event", 9.5, "none", "event:interview", "2026-03-20"),
                memory("User finds the assistant helpful", "opinion", 0.4, "none", null, null)));

        List<Memory> stored = extract(user, text);

        assertEquals(List.of("User lives in Berlin", "User's interview is on Friday 2026-03-20"), stored.stream().map(Memory::getContent).toList(),
                "the unknown kind was dropped");
        assertEquals("2026-03-20", stored.get(1).getEventDate());
        assertEquals(1.0f, stored.get(1).getImportance(), "importance clamped");

        // What the model was sent: the forced tool with the schema, and only the user's words with their date.
        assertEquals(1, fake.received().size());
        FakeModelServer.Received req = fake.last();
        assertEquals("/v1/messages", req.path());
        assertEquals("sk-ant-test", req.header("x-api-key"));
        assertEquals("2023-06-01", req.header("anthropic-version"));
        JsonObject body = req.body();
        assertEquals("claude-haiku-4-5", body.getString("model"));
        assertEquals(new JsonObject().put("type", "tool").put("name", "record_memories"), body.getJsonObject("tool_choice"));
        JsonObject tool = body.getJsonArray("tools").getJsonObject(0);
        assertEquals("record_memories", tool.getString("name"));
        assertEquals(app.oviya.memory.service.ExtractionSchema.schema(), tool.getJsonObject("input_schema"));
        assertFalse(body.containsKey("stream") && body.getBoolean("stream"), "non-streaming");
        JsonArray messages = body.getJsonArray("messages");
        assertEquals(1, messages.size(), "one user message: no assistant turn, no conversation history");
        assertEquals("user", messages.getJsonObject(0).getString("role"));
        assertEquals("The message was sent at " + SENT_AT + ", that is on Tuesday 2026-03-10 (UTC). Resolve relative dates against 2026-03-10."
                + "\n\n<user_message>\n" + text + "\n</user_message>", messages.getJsonObject(0).getString("content"),
                "the only text to extract from is the user's own");
        // The system field holds the extractor's own instructions, not a companion persona.
        assertTrue(body.getString("system").startsWith("You maintain the long-term memory of a companion app."));

        // Consolidation still applies to the model's memories: a new residence supersedes the old one.
        fake.script(toolUse(memory("User lives in Paris", "fact", 0.8, "none", "residence", null)));
        extract(user, "I moved to Paris");
        List<String> now = current(user);
        assertTrue(now.contains("User lives in Paris"), now.toString());
        assertFalse(now.contains("User lives in Berlin"), now.toString());
        // And a repeat stores nothing.
        fake.script(toolUse(memory("User lives in Paris", "fact", 0.8, "none", "residence", null)));
        assertTrue(extract(user, "I live in Paris now").isEmpty());
    }

    @Test
    void malformedOutputFallsBackToTheRulesWithoutARetry() {
        String user = UUID.randomUUID().toString();
        double before = count("oviya.memory.extraction.fallbacks", "reason", "malformed");
        fake.script(FakeModelServer.anthropicText("Sure! The user hates mornings."));

        List<Memory> stored = extract(user, "I hate mornings");

        assertEquals(List.of("User dislikes mornings"), stored.stream().map(Memory::getContent).toList(), "the rules extracted the turn");
        assertEquals(1, fake.received().size());
        assertEquals(before + 1, count("oviya.memory.extraction.fallbacks", "reason", "malformed"));
    }

    @Test
    void anOverloadedProviderIsRetried() {
        String user = UUID.randomUUID().toString();
        double retries = count("oviya.memory.extraction.retries", "provider", "anthropic");
        fake.script(FakeModelServer.anthropicError(529, "overloaded_error", "Overloaded", null),
                toolUse(memory("User's name is Asha", "fact", 0.9, "none", "name", null)));

        List<Memory> stored = extract(user, "My name is Asha");

        assertEquals(List.of("User's name is Asha"), stored.stream().map(Memory::getContent).toList());
        assertEquals(2, fake.received().size());
        assertEquals(retries + 1, count("oviya.memory.extraction.retries", "provider", "anthropic"));
    }

    @Test
    void aRateLimitIsRetriedAfterTheTimeTheProviderAsksFor() {
        String user = UUID.randomUUID().toString();
        fake.script(FakeModelServer.anthropicError(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit", "1"),
                toolUse(memory("User works as a nurse", "fact", 0.7, "none", "job", null)));

        List<Memory> stored = extract(user, "I work as a nurse");

        assertEquals(List.of("User works as a nurse"), stored.stream().map(Memory::getContent).toList());
        List<FakeModelServer.Received> got = fake.received();
        assertEquals(2, got.size());
        long waitedMillis = (got.get(1).atNanos() - got.get(0).atNanos()) / 1_000_000;
        assertTrue(waitedMillis >= 900, "retry-after: 1 was honoured, not the 20 ms backoff: waited " + waitedMillis + " ms");
    }

    @Test
    void aRetryAfterLongerThanWeWaitFallsBackAtOnce() {
        String user = UUID.randomUUID().toString();
        double before = count("oviya.memory.extraction.fallbacks", "reason", "rate_limited");
        fake.script(FakeModelServer.anthropicError(429, "rate_limit_error", "rate limited", "30"));

        List<Memory> stored = extract(user, "I live in Lisbon");

        assertEquals(List.of("User lives in Lisbon"), stored.stream().map(Memory::getContent).toList());
        assertEquals(1, fake.received().size());
        assertEquals(before + 1, count("oviya.memory.extraction.fallbacks", "reason", "rate_limited"));
    }

    @Test
    void aRejectedRequestIsNotRetried() {
        String user = UUID.randomUUID().toString();
        double before = count("oviya.memory.extraction.fallbacks", "reason", "rejected");
        fake.script(FakeModelServer.anthropicError(400, "invalid_request_error", "tools.0.input_schema: JSON schema is invalid", null));

        List<Memory> stored = extract(user, "I study medicine");

        assertEquals(List.of("User studies medicine"), stored.stream().map(Memory::getContent).toList());
        assertEquals(1, fake.received().size());
        assertEquals(before + 1, count("oviya.memory.extraction.fallbacks", "reason", "rejected"));
    }

    @Test
    void aProviderThatNeverAnswersInTimeFallsBackToTheRules() {
        String user = UUID.randomUUID().toString();
        double before = count("oviya.memory.extraction.fallbacks", "reason", "timeout");
        FakeModelServer.Reply slow = toolUse(memory("User is from Kerala", "fact", 0.7, "none", "origin", null)).slow(4000);
        fake.script(slow, slow, slow);

        List<Memory> stored = extract(user, "I'm originally from Kerala");

        assertEquals(List.of("User is from Kerala"), stored.stream().map(Memory::getContent).toList(), "the rules extracted the turn");
        assertEquals(3, fake.received().size(), "one attempt and two retries, each timed out");
        assertEquals(before + 1, count("oviya.memory.extraction.fallbacks", "reason", "timeout"));
    }

    @Test
    void badInputIsRefusedBeforeTheModelIsAsked() {
        String user = UUID.randomUUID().toString();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> memory.extractFromTurn(ExtractFromTurnRequest.newBuilder()
                .setUserId(user).setUserText("I live in Rome").setSentAt("last Tuesday").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, GrpcTestSupport.statusCode(e));
        assertEquals("validation_failed", GrpcTestSupport.errorCode(e));
        assertTrue(fake.received().isEmpty(), "no model call for a turn that is refused");
        assertTrue(current(user).isEmpty());
    }

    @Test
    void nothingToRememberIsAnAnswerNotAFailure() {
        String user = UUID.randomUUID().toString();
        double before = count("oviya.memory.extractions", "extractor", "llm");
        fake.script(toolUse());

        assertTrue(extract(user, "What's the weather like?").isEmpty());
        assertEquals(before + 1, count("oviya.memory.extractions", "extractor", "llm"));
        assertTrue(current(user).isEmpty());
    }
}
