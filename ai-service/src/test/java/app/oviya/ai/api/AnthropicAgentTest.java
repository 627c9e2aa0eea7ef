package app.oviya.ai.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.ai.provider.FakeAnthropic;
import app.oviya.ai.v1.AiServiceGrpc;
import app.oviya.ai.v1.Completed;
import app.oviya.ai.v1.GenerateEvent;
import app.oviya.ai.v1.GenerateRequest;
import app.oviya.common.testing.GrpcTestSupport;
import io.grpc.ManagedChannel;
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
import java.net.URL;
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
