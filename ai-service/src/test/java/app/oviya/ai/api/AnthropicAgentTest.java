package app.oviya.ai.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.ai.provider.FakeAnthropic;
import app.oviya.ai.provider.ProviderEvent;
import app.oviya.ai.service.UsageLedger;
import app.oviya.ai.v1.AiServiceGrpc;
import app.oviya.ai.v1.Completed;
import app.oviya.ai.v1.GenerateEvent;
import app.oviya.ai.v1.GenerateRequest;
import app.oviya.common.testing.GrpcTestSupport;
import io.agroal.api.AgroalDataSource;
import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.MeterRegistry;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The whole turn over gRPC with the Anthropic provider pointed at the fake server (ANTHROPIC_BASE_URL). */
@QuarkusTest
@TestProfile(AnthropicAgentTest.Profile.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnthropicAgentTest {

    static final String PORT_PROPERTY = "oviya.test.fake-anthropic-port";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // A system property, because the profile and the test may live in different class loaders.
            if (Integer.getInteger(PORT_PROPERTY, 0) == 0) {
                try (ServerSocket s = new ServerSocket(0)) {
                    System.setProperty(PORT_PROPERTY, Integer.toString(s.getLocalPort()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            String run = UUID.randomUUID().toString();
            return Map.ofEntries(
                    Map.entry("oviya.ai.provider", "anthropic"),
                    Map.entry("oviya.ai.anthropic.api-key", "sk-test"),
                    Map.entry("oviya.ai.anthropic.base-url", "http://127.0.0.1:" + System.getProperty(PORT_PROPERTY)),
                    Map.entry("oviya.ai.anthropic.first-token-timeout", "2s"),
                    Map.entry("oviya.ai.resilience.max-retries", "1"),
                    Map.entry("oviya.ai.resilience.initial-backoff", "10ms"),
                    Map.entry("oviya.ai.resilience.max-backoff", "20ms"),
                    Map.entry("oviya.ai.resilience.breaker-failure-threshold", "1000"),
                    Map.entry("oviya.ai.admission.key-prefix", "test-agent-admission-" + run),
                    Map.entry("oviya.ai.response-cache.key-prefix", "test-agent-reply-" + run));
        }
    }

    @TestHTTPResource("/")
    URL url;

    @Inject
    Vertx vertx;

    @Inject
    AgroalDataSource db;

    @Inject
    UsageLedger ledger;

    @Inject
    MeterRegistry metrics;

    private FakeAnthropic fake;
    private ManagedChannel channel;

    @BeforeAll
    void start() {
        fake = new FakeAnthropic(vertx, Integer.getInteger(PORT_PROPERTY));
        channel = GrpcTestSupport.channel(url.getPort());
    }

    @AfterAll
    void stop() {
        GrpcTestSupport.close(channel);
        fake.close();
    }

    @BeforeEach
    void reset() {
        fake.reset();
    }

    private List<GenerateEvent> generate(GenerateRequest request) {
        List<GenerateEvent> events = new ArrayList<>();
        AiServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).generate(request)
                .forEachRemaining(events::add);
        return events;
    }

    private static GenerateRequest.Builder request(String message) {
        return GenerateRequest.newBuilder().setUserId(UUID.randomUUID().toString())
                .setConversationId(UUID.randomUUID().toString()).setPlan("free").setUserMessage(message);
    }

    private static String text(List<GenerateEvent> events) {
        StringBuilder sb = new StringBuilder();
        events.stream().filter(GenerateEvent::hasDelta).forEach(e -> sb.append(e.getDelta()));
        return sb.toString();
    }

    @Test
    void aTurnIsAnsweredByClaudeThroughTheFake() {
        fake.then(fake.text("That sounds hard. I'm here."));
        List<GenerateEvent> events = generate(request("My week was exhausting and I feel low").setDisplayName("Asha").build());
        Completed done = events.get(events.size() - 1).getCompleted();
        assertEquals("anthropic", done.getProvider());
        assertFalse(done.getOffline());
        assertEquals("That sounds hard. I'm here.", text(events));
        assertTrue(done.getUsage().getInputTokens() > 0);
        assertEquals(1, fake.bodies().size());
        assertEquals("sk-test", fake.requests().get(0).getHeader("x-api-key"));
    }

    @Test
    void everyCallIsInTheLedgerWithItsCacheTokensAndEstimatedCost() throws SQLException {
        fake.always(fake.text("I hear you. Tell me more about it."));
        String user = UUID.randomUUID().toString();
        double costBefore = costCounter();
        generate(request("Work has been piling up and I barely sleep").setUserId(user).build());
        generate(request("And my manager keeps adding deadlines on top").setUserId(user).build());

        BigDecimal total = BigDecimal.ZERO;
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("select model, input_tokens,"
                + " output_tokens, cache_write_tokens, cache_read_tokens, cost_usd from usage_events where user_id = ?"
                + " order by created_at")) {
            ps.setObject(1, UUID.fromString(user));
            try (ResultSet rs = ps.executeQuery()) {
                List<long[]> rows = new ArrayList<>();
                while (rs.next()) {
                    assertEquals("claude-sonnet-4-5", rs.getString(1));
                    long[] t = {rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)};
                    rows.add(t);
                    // Sonnet 4.5 list prices per million tokens: input 3, output 15, cache write 3.75, cache read 0.30.
                    BigDecimal expected = BigDecimal.valueOf((t[0] * 3 + t[1] * 15 + t[2] * 3.75 + t[3] * 0.30) / 1e6)
                            .setScale(6, java.math.RoundingMode.HALF_UP);
                    assertEquals(0, expected.compareTo(rs.getBigDecimal(6)), "cost of " + java.util.Arrays.toString(t));
                    assertTrue(rs.getBigDecimal(6).signum() > 0);
                    total = total.add(rs.getBigDecimal(6));
                }
                assertEquals(2, rows.size(), "one ledger row per provider call");
                assertTrue(rows.get(0)[2] > 0, "the first turn writes the persona to the prompt cache");
                assertTrue(rows.get(1)[3] > 0, "the second turn reads it");
            }
        }
        assertEquals(total.doubleValue(), costCounter() - costBefore, 1e-9, "oviya_ai_cost_usd follows the ledger");
    }

    @Test
    void costFollowsTheModelsPriceAndDatedIdsUseTheirAlias() {
        ProviderEvent.Done million = new ProviderEvent.Done("claude-haiku-4-5-20251001", 1_000_000, 1_000_000, 1_000_000,
                1_000_000, "end_turn");
        assertEquals(0, new BigDecimal("7.35").compareTo(ledger.cost(million)), "1 + 5 + 1.25 + 0.10 USD");
        ProviderEvent.Done unknown = new ProviderEvent.Done("my-own-model", 1000, 1000, 0, 0, "end_turn");
        assertEquals(0, BigDecimal.ZERO.compareTo(ledger.cost(unknown)), "no configured price: no estimate");
    }

    private double costCounter() {
        return metrics.find("oviya_ai_cost_usd").tag("model", "claude-sonnet-4-5").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    @Test
    void aRepeatedOpenerIsServedFromTheResponseCache() {
        fake.always(fake.text("Hi! How are you feeling today?"));
        String first = text(generate(request("Hello there!").build()));
        String second = text(generate(request("hello there").build()));
        assertEquals(first, second);
        assertEquals(1, fake.bodies().size(), "the second opener did not reach the provider");
    }

    @Test
    void aCrisisTurnGetsAnAnswerAndResourcesEvenWhenTheProviderIsDown() {
        fake.always(fake.httpError(529, "overloaded_error", null));
        List<GenerateEvent> events = generate(request("I want to kill myself").build());
        Completed done = events.get(events.size() - 1).getCompleted();
        assertTrue(done.getOffline(), "answered by the offline companion");
        assertEquals("crisis_resources", done.getSafety().getKind());
        assertTrue(text(events).contains("988"));
    }

    @Test
    void anOverloadedProviderEndsWithARetryableUnavailable() {
        fake.always(fake.httpError(529, "overloaded_error", null));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> generate(request("Tell me something about the sea, please, in detail").build()));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        assertEquals("unavailable", GrpcTestSupport.errorCode(e));
    }
}
