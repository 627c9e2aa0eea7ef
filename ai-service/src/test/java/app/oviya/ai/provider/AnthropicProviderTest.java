package app.oviya.ai.provider;

import app.oviya.common.http.RetryAfter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.common.error.ErrorCode;
import app.oviya.common.error.ServiceException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Anthropic provider and its failure policy against a fake server speaking the real wire format. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnthropicProviderTest {

    static final String MODEL = "claude-main";
    static final String SMALL = "claude-small";

    private Vertx vertx;
    private FakeAnthropic fake;
    private AnthropicClient client;
    private ResilientProvider provider;

    @BeforeAll
    void start() {
        vertx = Vertx.vertx();
        fake = new FakeAnthropic(vertx);
        client = new AnthropicClient(vertx, new AnthropicClient.Settings(fake.baseUrl(), "sk-test-key", MODEL, SMALL, 256,
                Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofSeconds(3), true));
        provider = new ResilientProvider(client, new ResilientProvider.Policy(2, Duration.ofMillis(10), Duration.ofMillis(50),
                Duration.ofSeconds(3), 3, Duration.ofSeconds(30)), null, Clock.systemUTC());
    }

    @AfterAll
    void stop() {
        fake.close();
        vertx.close();
    }

    @BeforeEach
    void reset() {
        fake.reset();
        provider.resetBreaker();
    }

    static CompanionTurn turn() {
        return new CompanionTurn("You are Oviya.", List.of(new CompanionTurn.Turn("user", "hi"),
                new CompanionTurn.Turn("assistant", "Hello! How are you?")), "<turn_context>sadness</turn_context>",
                "I had a rough day", "sadness", 0.6, List.of(), "", 0);
    }

    static List<ProviderEvent> collect(LlmProvider p) {
        return p.stream(turn()).collect().asList().await().atMost(Duration.ofSeconds(15));
    }

    static String text(List<ProviderEvent> events) {
        StringBuilder sb = new StringBuilder();
        events.stream().filter(e -> e instanceof ProviderEvent.Delta).forEach(e -> sb.append(((ProviderEvent.Delta) e).text()));
        return sb.toString();
    }

    static ProviderEvent.Done done(List<ProviderEvent> events) {
        return assertInstanceOf(ProviderEvent.Done.class, events.get(events.size() - 1));
    }

    static ServiceException serviceFailure(Runnable call) {
        RuntimeException e = assertThrows(RuntimeException.class, call::run);
        Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return assertInstanceOf(ServiceException.class, t, t.toString());
    }

    @Test
    void normalStreamYieldsTheTextTheUsageAndSendsTheDocumentedRequest() {
        fake.then(fake.text("I'm sorry your day was rough. Want to talk about it?"));
        List<ProviderEvent> events = collect(provider);

        assertEquals("I'm sorry your day was rough. Want to talk about it?", text(events));
        ProviderEvent.Done d = done(events);
        assertEquals(MODEL, d.model());
        assertEquals("end_turn", d.stopReason());
        assertTrue(d.inputTokens() > 0);
        assertTrue(d.outputTokens() > 0);

        var req = fake.requests().get(0);
        assertEquals("/v1/messages", req.path());
        assertEquals("sk-test-key", req.getHeader("x-api-key"));
        assertEquals("2023-06-01", req.getHeader("anthropic-version"));
        JsonObject body = fake.bodies().get(0);
        assertEquals(MODEL, body.getString("model"));
        assertTrue(body.getBoolean("stream"));
        assertEquals(256, body.getInteger("max_tokens"));
        JsonArray system = body.getJsonArray("system");
        assertEquals("ephemeral", system.getJsonObject(0).getJsonObject("cache_control").getString("type"),
                "the persona is a cache breakpoint");
        JsonArray messages = body.getJsonArray("messages");
        assertEquals(3, messages.size());
        assertEquals("ephemeral", messages.getJsonObject(1).getJsonArray("content").getJsonObject(0)
                .getJsonObject("cache_control").getString("type"), "the end of the history is a cache breakpoint");
        JsonArray current = messages.getJsonObject(2).getJsonArray("content");
        assertFalse(current.getJsonObject(0).containsKey("cache_control"), "what changes every turn is not cached");
        assertEquals("I had a rough day", current.getJsonObject(current.size() - 1).getString("text"));
    }

    @Test
    void pingsUnknownEventsAndCommentsInTheMiddleAreIgnored() {
        fake.then(fake.textWithNoise("Still here with you."));
        List<ProviderEvent> events = collect(provider);
        assertEquals("Still here with you.", text(events));
        assertEquals("end_turn", done(events).stopReason());
    }

    @Test
    void usageIncludesCacheReadsAndWrites() {
        // A long history makes the prefix cacheable (the fake, like the API, caches from 1024 tokens).
        CompanionTurn big = new CompanionTurn("You are Oviya. " + "Be kind. ".repeat(600), List.of(
                new CompanionTurn.Turn("user", "hi"), new CompanionTurn.Turn("assistant", "hello")), null, "again", "neutral",
                0, List.of(), "", 0);
        ProviderEvent.Done first = done(provider.stream(big).collect().asList().await().atMost(Duration.ofSeconds(10)));
        ProviderEvent.Done second = done(provider.stream(big).collect().asList().await().atMost(Duration.ofSeconds(10)));
        assertTrue(first.cacheWriteTokens() > 1000, "first turn writes the cache: " + first);
        assertEquals(0, first.cacheReadTokens());
        assertTrue(second.cacheReadTokens() > 1000, "second turn reads it: " + second);
        assertEquals(0, second.cacheWriteTokens());
    }

    @Test
    void thePersonaIsOneCachedBlockSharedByEveryConversationAndThePersonalRestFollowsIt() {
        String persona = "You are Oviya. " + "Listen first and be kind. ".repeat(260);
        java.util.function.Function<String, CompanionTurn> firstTurnOf = name -> {
            String system = persona + "\n\nThe person's name is " + name + ".";
            return new CompanionTurn(system, List.of(), "<turn_context>neutral</turn_context>", "hi, it's my first time here",
                    "neutral", 0.2, List.of(), name, 0, persona.length());
        };
        ProviderEvent.Done asha = done(provider.stream(firstTurnOf.apply("Asha")).collect().asList().await().atMost(Duration.ofSeconds(10)));
        ProviderEvent.Done ben = done(provider.stream(firstTurnOf.apply("Ben")).collect().asList().await().atMost(Duration.ofSeconds(10)));
        assertTrue(asha.cacheWriteTokens() > 1000, "the first conversation writes the persona: " + asha);
        assertTrue(ben.cacheReadTokens() > 1000, "another user's first turn reads it: " + ben);

        JsonArray system = fake.bodies().get(1).getJsonArray("system");
        assertEquals(2, system.size());
        assertEquals(persona, system.getJsonObject(0).getString("text"));
        assertTrue(system.getJsonObject(0).containsKey("cache_control"));
        assertEquals("\n\nThe person's name is Ben.", system.getJsonObject(1).getString("text"));
        assertFalse(system.getJsonObject(1).containsKey("cache_control"));
    }

    @Test
    void theFakeCachesLikeTheApiFiveMinutesFromLastUseAndPerModelMinimum() {
        // ~1500 tokens of stable prefix: cacheable for Sonnet 4.5 (1024), not for Haiku 4.5 (4096).
        CompanionTurn big = new CompanionTurn("You are Oviya. " + "Be kind. ".repeat(650), List.of(
                new CompanionTurn.Turn("user", "hi"), new CompanionTurn.Turn("assistant", "hello")), null, "again", "neutral",
                0, List.of(), "", 0);
        java.util.function.Function<String, ProviderEvent.Done> call = model -> done(client.stream(big, model).collect().asList()
                .await().atMost(Duration.ofSeconds(10)));
        assertTrue(call.apply("claude-sonnet-4-5").cacheWriteTokens() > 1000);
        fake.advanceClock(Duration.ofMinutes(4));
        assertTrue(call.apply("claude-sonnet-4-5").cacheReadTokens() > 1000, "read within 5 minutes, which refreshes it");
        fake.advanceClock(Duration.ofMinutes(4));
        assertTrue(call.apply("claude-sonnet-4-5").cacheReadTokens() > 1000, "8 minutes after the write, 4 after the last read");
        fake.advanceClock(Duration.ofMinutes(6));
        ProviderEvent.Done expired = call.apply("claude-sonnet-4-5");
        assertEquals(0, expired.cacheReadTokens(), "6 idle minutes: the entry expired");
        assertTrue(expired.cacheWriteTokens() > 1000, "and is written again");

        ProviderEvent.Done haiku = call.apply("claude-haiku-4-5-20251001");
        assertEquals(0, haiku.cacheWriteTokens() + haiku.cacheReadTokens(), "below Haiku 4.5's 4096-token minimum nothing is cached");
    }

    @Test
    void overloadedErrorAfter200IsRetriedThenFallsBackToTheSmallerModel() {
        fake.then(fake.errorAfter200("overloaded_error"), fake.errorAfter200("overloaded_error"),
                fake.errorAfter200("overloaded_error"), fake.text("Answer from the small model."));
        List<ProviderEvent> events = collect(provider);
        assertEquals("Answer from the small model.", text(events));
        assertEquals(SMALL, done(events).model());
        assertEquals(4, fake.bodies().size(), "1 try + 2 retries on the main model, then the fallback");
        assertEquals(MODEL, fake.bodies().get(2).getString("model"));
        assertEquals(SMALL, fake.bodies().get(3).getString("model"));
    }

    @Test
    void rawClientReportsTheErrorEventAsOverloaded() {
        fake.then(fake.errorAfter200("overloaded_error"));
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> client.stream(turn(), MODEL).collect().asList().await().atMost(Duration.ofSeconds(5)));
        ProviderException p = assertInstanceOf(ProviderException.class, e);
        assertEquals(ProviderException.Kind.STREAM_ERROR, p.kind());
        assertEquals(529, p.status());
        assertTrue(p.capacity());
    }

    @Test
    void tooManyRequestsWaitsForRetryAfterThenSucceeds() {
        fake.then(fake.httpError(429, "rate_limit_error", "1"), fake.text("Thanks for waiting."));
        long start = System.nanoTime();
        List<ProviderEvent> events = collect(provider);
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals("Thanks for waiting.", text(events));
        assertEquals(MODEL, done(events).model(), "a retry-after within the limit is waited for on the same model");
        assertTrue(waitedMs >= 1000, "retry-after: 1 was honoured, waited " + waitedMs + " ms");
        assertEquals(2, fake.bodies().size());
    }

    @Test
    void aRetryAfterLongerThanTheLimitGoesStraightToTheFallbackModel() {
        fake.then(fake.httpError(429, "rate_limit_error", "60"), fake.text("Small model here."));
        List<ProviderEvent> events = collect(provider);
        assertEquals(SMALL, done(events).model());
        assertEquals(2, fake.bodies().size());
    }

    @Test
    void persistent529EndsWithARetryableUnavailableErrorWithAHint() {
        fake.always(fake.httpError(529, "overloaded_error", null));
        ServiceException e = serviceFailure(() -> collect(provider));
        assertEquals(ErrorCode.UNAVAILABLE, e.code());
        assertNotNull(e.retryAfterSeconds());
        assertEquals(4, fake.bodies().size(), "3 tries on the main model, 1 on the fallback");
    }

    @ParameterizedTest
    @CsvSource({"400,invalid_request_error", "401,authentication_error", "403,permission_error", "404,not_found_error",
            "413,request_too_large"})
    void clientErrorsAreNotRetried(int status, String type) {
        fake.always(fake.httpError(status, type, null));
        ServiceException e = serviceFailure(() -> collect(provider));
        assertEquals(ErrorCode.INTERNAL, e.code());
        assertTrue(e.detail().contains(type), e.detail());
        assertEquals(1, fake.bodies().size());
        ProviderException cause = assertInstanceOf(ProviderException.class, e.getCause());
        assertEquals(status, cause.status());
    }

    @Test
    void serverErrorIsRetriedButNotSentToTheFallbackModel() {
        fake.then(fake.httpError(500, "api_error", null), fake.text("Recovered."));
        assertEquals("Recovered.", text(collect(provider)));
        assertEquals(MODEL, fake.bodies().get(1).getString("model"));
    }

    @Test
    void slowFirstTokenTimesOutAndIsRetried() {
        fake.then(fake.slowFirstToken(4000, "too late"), fake.text("On time."));
        List<ProviderEvent> events = collect(provider);
        assertEquals("On time.", text(events));
        assertEquals(2, fake.bodies().size());
    }

    @Test
    void rawClientReportsASlowFirstTokenAsATimeout() {
        fake.then(fake.slowFirstToken(4000, "too late"));
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> client.stream(turn(), MODEL).collect().asList().await().atMost(Duration.ofSeconds(5)));
        assertEquals(ProviderException.Kind.TIMEOUT, assertInstanceOf(ProviderException.class, e).kind());
    }

    @Test
    void connectionCutMidStreamIsAnInterruptedReplyAndIsNotReplayed() {
        fake.always(fake.cutMidStream());
        List<ProviderEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        ServiceException e = serviceFailure(() -> provider.stream(turn()).onItem().invoke(seen::add).collect().asList()
                .await().atMost(Duration.ofSeconds(10)));
        assertEquals(ErrorCode.UNAVAILABLE, e.code());
        assertTrue(e.detail().contains("interrupted"), e.detail());
        assertEquals("I hear ", text(seen), "the text before the cut was relayed once");
        assertEquals(1, fake.bodies().size(), "no retry once the user has seen text");
    }

    @Test
    void circuitBreakerOpensAfterRepeatedFailuresAndFailsFast() {
        fake.always(fake.httpError(500, "api_error", null));
        for (int i = 0; i < 3; i++) {
            serviceFailure(() -> collect(provider));
        }
        assertTrue(provider.breakerOpen());
        int calls = fake.bodies().size();
        ServiceException e = serviceFailure(() -> collect(provider));
        assertEquals(ErrorCode.UNAVAILABLE, e.code());
        assertEquals(calls, fake.bodies().size(), "an open breaker does not call the provider");
        assertTrue(e.retryAfterSeconds() >= 1);
    }

    @Test
    void unreachableProviderIsAConnectionFailure() {
        AnthropicClient nowhere = new AnthropicClient(vertx, new AnthropicClient.Settings("http://127.0.0.1:1", "k", MODEL,
                null, 64, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), true));
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> nowhere.stream(turn(), MODEL).collect().asList().await().atMost(Duration.ofSeconds(5)));
        assertEquals(ProviderException.Kind.CONNECTION, assertInstanceOf(ProviderException.class, e).kind());
    }

    @Test
    void retryAfterHeaderAcceptsSecondsAndHttpDates() {
        assertEquals(Duration.ofSeconds(3), RetryAfter.parse("3"));
        assertEquals(null, RetryAfter.parse("soon"));
        assertNotNull(RetryAfter.parse("Wed, 21 Oct 2099 07:28:00 GMT"));
    }
}
