package app.oviya.ai.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.ai.v1.AiServiceGrpc;
import app.oviya.ai.v1.Completed;
import app.oviya.ai.v1.GenerateEvent;
import app.oviya.ai.v1.GenerateRequest;
import app.oviya.ai.v1.MemorySnippet;
import app.oviya.common.testing.GrpcTestSupport;
import io.agroal.api.AgroalDataSource;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Generate stream over real gRPC, with the offline provider and the real test database. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AiGrpcServiceTest {

    @TestHTTPResource("/")
    URL url;

    @Inject
    AgroalDataSource db;

    private ManagedChannel channel;

    @BeforeAll
    void connect() {
        channel = GrpcTestSupport.channel(url.getPort());
    }

    @AfterAll
    void disconnect() {
        GrpcTestSupport.close(channel);
    }

    private AiServiceGrpc.AiServiceBlockingStub ai() {
        return AiServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static GenerateRequest.Builder request(String userId, String message) {
        return GenerateRequest.newBuilder().setUserId(userId).setConversationId(UUID.randomUUID().toString())
                .setPlan("free").setUserMessage(message);
    }

    private List<GenerateEvent> generate(GenerateRequest request) {
        List<GenerateEvent> events = new ArrayList<>();
        ai().generate(request).forEachRemaining(events::add);
        return events;
    }

    private static String replyText(List<GenerateEvent> events) {
        StringBuilder sb = new StringBuilder();
        events.stream().filter(GenerateEvent::hasDelta).forEach(e -> sb.append(e.getDelta()));
        return sb.toString();
    }

    private static Completed completed(List<GenerateEvent> events) {
        GenerateEvent last = events.get(events.size() - 1);
        assertTrue(last.hasCompleted(), "the stream ends with completed: " + events);
        return last.getCompleted();
    }

    @Test
    void streamsEmotionThenDeltasThenCompletedAndRecordsUsage() throws SQLException {
        String userId = UUID.randomUUID().toString();
        List<GenerateEvent> events = generate(request(userId, "I feel so sad and lonely since my dog passed away").build());

        assertTrue(events.get(0).hasEmotion(), "first event is the emotion: " + events.get(0));
        assertEquals("sadness", events.get(0).getEmotion().getLabel());
        assertTrue(events.get(0).getEmotion().getIntensity() > 0);
        List<GenerateEvent> middle = events.subList(1, events.size() - 1);
        assertFalse(middle.isEmpty(), "at least one delta");
        assertTrue(middle.stream().allMatch(GenerateEvent::hasDelta), "only deltas between emotion and completed: " + middle);
        assertEquals(1, events.stream().filter(GenerateEvent::hasCompleted).count());

        Completed done = completed(events);
        assertEquals("offline", done.getProvider());
        assertTrue(done.getOffline());
        assertFalse(done.getModel().isBlank());
        assertEquals("end_turn", done.getStopReason());
        assertTrue(done.getUsage().getInputTokens() > 0, "input tokens counted");
        assertTrue(done.getUsage().getOutputTokens() > 0, "output tokens counted");
        assertEquals("sadness", done.getEmotion().getLabel());
        assertFalse(done.hasSafety(), "no crisis resources for ordinary sadness");

        String reply = replyText(events);
        assertTrue(reply.contains("offline mode"), reply);
        assertFalse(reply.contains("988"), reply);

        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select provider, input_tokens, output_tokens, conversation_id from usage_events where user_id = ?")) {
            ps.setObject(1, UUID.fromString(userId));
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "a usage row for the user");
                assertEquals("offline", rs.getString(1));
                assertEquals(done.getUsage().getInputTokens(), rs.getLong(2));
                assertEquals(done.getUsage().getOutputTokens(), rs.getLong(3));
                assertTrue(rs.getObject(4) != null);
                assertFalse(rs.next(), "exactly one usage row for one reply");
            }
        }
    }

    @Test
    void anxiousMessageIsLabelledAnxiety() {
        List<GenerateEvent> events = generate(request(UUID.randomUUID().toString(),
                "I'm really anxious and worried about my exam tomorrow").build());
        assertEquals("anxiety", events.get(0).getEmotion().getLabel());
        assertEquals("anxiety", completed(events).getEmotion().getLabel());
    }

    @Test
    void memoriesFromTheRequestAppearInTheReply() {
        GenerateRequest request = request(UUID.randomUUID().toString(), "Guess what I did today")
                .setDisplayName("Asha")
                .addMemories(MemorySnippet.newBuilder().setId(UUID.randomUUID().toString())
                        .setContent("User's sister is called Meera").setKind("person").setScore(0.9))
                .build();
        String reply = replyText(generate(request));
        assertTrue(reply.contains("Meera"), reply);
        assertTrue(reply.contains("Asha"), reply);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "I want to kill myself",
            "I don't want to live anymore",
            "Honestly everyone would be better off without me",
            "I've been thinking about suicide a lot"})
    void crisisMessagesGetCrisisResources(String message) {
        List<GenerateEvent> events = generate(request(UUID.randomUUID().toString(), message).build());
        Completed done = completed(events);
        assertEquals("crisis_resources", done.getSafety().getKind());
        assertTrue(done.getSafety().getMessage().contains("988"), done.getSafety().getMessage());
        assertTrue(events.stream().anyMatch(e -> e.hasDelta() && e.getDelta().contains("988")),
                "a delta carries the crisis resources");
    }

    @Test
    void anIndirectCrisisTheStaticPhrasesMissIsCaughtByMeaningAndGetsResources() {
        String message = "It would be easier if I just didn't exist.";
        assertFalse(app.oviya.common.safety.CrisisSignals.highRisk(message), "not in the phrase list");
        Completed done = completed(generate(request(UUID.randomUUID().toString(), message).setCountry("GB").build()));
        assertEquals("crisis_resources", done.getSafety().getKind());
        assertTrue(done.getSafety().getMessage().contains("116 123"), done.getSafety().getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"this exam is killing me", "I could kill for a coffee", "my phone died"})
    void everydayFiguresOfSpeechAreNotCrises(String message) {
        List<GenerateEvent> events = generate(request(UUID.randomUUID().toString(), message).build());
        Completed done = completed(events);
        assertFalse(done.hasSafety(), message + " -> " + done.getSafety());
        assertFalse(replyText(events).contains("988"));
    }

    @Test
    void crisisResourcesFollowTheUsersCountryAndDefaultToTheUs() {
        Completed gb = completed(generate(request(UUID.randomUUID().toString(), "I want to end my life").setCountry("GB").build()));
        assertTrue(gb.getSafety().getMessage().contains("116 123"), gb.getSafety().getMessage());
        Completed unknown = completed(generate(request(UUID.randomUUID().toString(), "I want to end my life").setCountry("ZZ")
                .build()));
        assertTrue(unknown.getSafety().getMessage().contains("988"), unknown.getSafety().getMessage());
    }

    @Test
    void aCustomPersonaIsLengthLimited() {
        String user = UUID.randomUUID().toString();
        assertTrue(completed(generate(request(user, "hello").setPlan("premium").setCustomPersona("Playful and brief.").build()))
                .hasUsage());
        assertValidationFailed(request(user, "hello").setPlan("premium").setCustomPersona("x".repeat(1001)).build());
    }

    @Test
    void longestAllowedMessageIsAccepted() {
        assertTrue(completed(generate(request(UUID.randomUUID().toString(), "a".repeat(4000)).build())).getUsage()
                .getInputTokens() > 1000);
    }

    @Test
    void aMessageOfFourThousandEmojiIsAcceptedLikeChatServiceDoes() {
        // chat-service counts the limit in characters (code points); ai-service must accept what chat accepts.
        String emoji = "\uD83D\uDE42".repeat(4000);
        assertTrue(completed(generate(request(UUID.randomUUID().toString(), emoji).build())).hasUsage());
    }

    @Test
    void invalidRequestsAreRejectedAsValidationFailures() {
        String user = UUID.randomUUID().toString();
        assertValidationFailed(request(user, "").build());
        assertValidationFailed(request(user, "   \n ").build());
        assertValidationFailed(request(user, "a".repeat(4001)).build());
        assertValidationFailed(request("not-a-uuid", "hello").build());
        assertValidationFailed(request("", "hello").build());
        assertValidationFailed(request(user, "hello").setConversationId("nope").build());
    }

    private void assertValidationFailed(GenerateRequest request) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> generate(request));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.toString());
        assertEquals("validation_failed", GrpcTestSupport.errorCode(e));
    }

    @Test
    void usageIsExportedPerDayAndDeletedWithTheAccount() throws SQLException {
        String userId = UUID.randomUUID().toString();
        generate(request(userId, "Good morning!").build());
        generate(request(userId, "I got the job, I am so happy").build());

        app.oviya.ai.v1.UsageExport export = ai().exportUserData(
                app.oviya.ai.v1.ExportUserDataRequest.newBuilder().setUserId(userId).build());
        assertEquals(1, export.getDaysCount(), "both replies on the same day, provider and model");
        assertEquals(2, export.getDays(0).getRequests());
        assertEquals("offline", export.getDays(0).getProvider());
        assertTrue(export.getDays(0).getOutputTokens() > 0);

        assertEquals(2, ai().deleteUserData(app.oviya.ai.v1.DeleteUserDataRequest.newBuilder().setUserId(userId).build()).getDeleted());
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("select count(*) from usage_events where user_id = ?")) {
            ps.setObject(1, UUID.fromString(userId));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(0, rs.getLong(1));
            }
        }
        assertEquals(0, ai().deleteUserData(app.oviya.ai.v1.DeleteUserDataRequest.newBuilder().setUserId(userId).build()).getDeleted());
    }
}
