package app.oviya.chat.api;

import static app.oviya.chat.support.ChatCalls.newUser;
import static app.oviya.chat.support.ChatCalls.send;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.chat.service.ConversationService;
import app.oviya.chat.service.ReadRouter;
import app.oviya.chat.support.ChatCalls;
import app.oviya.chat.support.FakeAi;
import app.oviya.chat.support.FakeMemory;
import app.oviya.chat.support.FakePeers;
import app.oviya.chat.support.ReplicaProxy;
import app.oviya.chat.support.ReplicaTestResource;
import app.oviya.chat.v1.ChatEvent;
import app.oviya.chat.v1.Conversation;
import app.oviya.chat.v1.ConversationPage;
import app.oviya.chat.v1.CreateConversationRequest;
import app.oviya.chat.v1.DeleteConversationRequest;
import app.oviya.chat.v1.GetMoodTimelineRequest;
import app.oviya.chat.v1.ListConversationsRequest;
import app.oviya.chat.v1.ListMessagesRequest;
import app.oviya.chat.v1.Message;
import app.oviya.chat.v1.MessagePage;
import app.oviya.chat.v1.MoodDay;
import app.oviya.chat.v1.UpdateConversationRequest;
import app.oviya.common.error.ErrorCode;
import app.oviya.common.error.ServiceException;
import app.oviya.common.testing.GrpcTestSupport;
import io.agroal.api.AgroalDataSource;
import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The read replica, against the real local streaming replica that `./oviya deps` makes (through a
 * proxy the tests can break). Which node answered is proven by the servers themselves: a query run
 * through the same route as the history reads reports pg_is_in_recovery(), and with WAL replay
 * paused on the replica its answers visibly lag the primary.
 */
@QuarkusTest
@WithTestResource(value = FakePeers.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = ReplicaTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicaReadsGrpcTest {

    private static final Duration CATCH_UP = Duration.ofSeconds(20);

    @TestHTTPResource("/")
    URL url;

    @Inject
    AgroalDataSource db;

    @Inject
    ReadRouter router;

    @Inject
    ConversationService conversations;

    @Inject
    MeterRegistry registry;

    private ManagedChannel channel;
    private ChatCalls calls;

    @BeforeAll
    void connect() {
        channel = GrpcTestSupport.channel(url.getPort());
        calls = new ChatCalls(channel, db);
    }

    @AfterAll
    void disconnect() {
        GrpcTestSupport.close(channel);
    }

    @BeforeEach
    void healthyReplica() {
        FakeAi.reset();
        FakeMemory.reset();
        ReplicaTestResource.proxy.mode(ReplicaProxy.Mode.FORWARD);
        replay("pg_wal_replay_resume()");
    }

    @AfterEach
    void neverLeaveReplayPaused() {
        replay("pg_wal_replay_resume()");
    }

    @Test
    void historyAndConversationListAreAnsweredByTheStandby() {
        assertTrue(answeredByStandby(newUser()), "a reader without recent writes is routed to a server in recovery");
        assertEquals("f", calls.rows("select pg_is_in_recovery()").get(0), "while the tests' own connection is the primary");

        String user = newUser();
        Conversation c = create(user, "Lagging");
        say(user, c.getId(), "Hello");
        awaitReplayed();
        double onReplica = reads("replica");
        assertEquals(2, messages(user, c.getId(), "").getItemsCount(), "the message and its reply");
        assertEquals(List.of(c.getId()), ids(list(user, "")));
        assertEquals(onReplica + 2, reads("replica"), "both reads answered by the replica once it replayed the user's writes");

        // Proof by lag: rows written on the primary behind chat-service's back (so no write mark)
        // stay out of the answers while replay is paused on the replica, and appear once it resumes.
        replay("pg_wal_replay_pause()");
        calls.execute("insert into messages (id, conversation_id, user_id, role, content, status, created_at) "
                + "values (gen_random_uuid(), ?::uuid, ?::uuid, 'user', 'written elsewhere', 'complete', now())", c.getId(), user);
        calls.execute("insert into conversations (id, user_id, title, created_at, activity_at) values (gen_random_uuid(), ?::uuid, "
                + "'made elsewhere', now(), now())", user);
        assertEquals(3, calls.count("select count(*) from messages where conversation_id = ?::uuid", c.getId()), "on the primary");
        assertEquals(2, messages(user, c.getId(), "").getItemsCount(), "the lagging standby answered");
        assertEquals(1, list(user, "").getItemsCount(), "the lagging standby answered");

        replay("pg_wal_replay_resume()");
        assertNotNull(ChatCalls.await(CATCH_UP, () -> messages(user, c.getId(), "").getItemsCount() == 3 ? true : null),
                "the new message appears once the replica replays it");
        assertEquals(2, list(user, "").getItemsCount());
    }

    @Test
    void theMoodTimelineIsAnsweredByTheStandby() {
        String user = newUser();
        Conversation c = create(user, "Moods");
        say(user, c.getId(), "Hello");
        awaitReplayed();
        long before = moodToday(user);
        // An emotion written on the primary behind chat-service's back stays out while replay is paused.
        replay("pg_wal_replay_pause()");
        calls.execute("insert into messages (id, conversation_id, user_id, role, content, status, created_at, emotion_label, "
                + "emotion_intensity) values (gen_random_uuid(), ?::uuid, ?::uuid, 'assistant', 'written elsewhere', 'complete', now(), "
                + "'joy', 0.5)", c.getId(), user);
        assertEquals(before, moodToday(user), "the lagging standby answered");
        replay("pg_wal_replay_resume()");
        assertNotNull(ChatCalls.await(CATCH_UP, () -> moodToday(user) == before + 1 ? true : null),
                "the emotion appears once the replica replays it");
    }

    private long moodToday(String user) {
        return calls.chat().getMoodTimeline(GetMoodTimelineRequest.newBuilder().setUserId(user).setDays(1).build())
                .getItemsList().stream().mapToLong(MoodDay::getCount).sum();
    }

    @Test
    void pagesFromTheReplicaKeepTheirCursorsAndOwnership() {
        String user = newUser();
        Conversation c = create(user, "Paged");
        calls.execute("insert into messages (id, conversation_id, user_id, role, content, status, created_at) "
                + "select gen_random_uuid(), ?::uuid, ?::uuid, 'user', 'm' || i, 'complete', now() from generate_series(1, 5) i",
                c.getId(), user);
        awaitReplayed();
        double onReplica = reads("replica");
        MessagePage first = messages(user, c.getId(), 3, "");
        MessagePage second = messages(user, c.getId(), 3, first.getNextCursor());
        assertEquals(List.of("m5", "m4", "m3"), contents(first));
        assertEquals(List.of("m2", "m1"), contents(second));
        assertEquals("", second.getNextCursor());
        assertEquals(onReplica + 2, reads("replica"));

        // Called on the service, not over gRPC: this class runs in a second Quarkus app of the suite,
        // where OviyaExceptionHandlerProvider's instanceof ServiceException fails (a class-loader
        // mismatch after the restart: NOT_FOUND comes back as INTERNAL). ConversationsGrpcTest
        // checks the gRPC statuses of the same code path.
        ServiceException notFound = assertThrows(ServiceException.class,
                () -> conversations.messages(newUser(), c.getId(), 0, "").await().atMost(Duration.ofSeconds(10)));
        assertEquals(ErrorCode.NOT_FOUND, notFound.code(), "someone else's conversation does not exist, on the replica too");
        ServiceException badCursor = assertThrows(ServiceException.class,
                () -> conversations.messages(user, c.getId(), 0, "not-a-cursor").await().atMost(Duration.ofSeconds(10)));
        assertEquals(ErrorCode.VALIDATION_FAILED, badCursor.code());
    }

    @Test
    void aWriterReadsTheirOwnWritesWhileTheReplicaLags() {
        String user = newUser();
        Conversation doomed = create(user, "Doomed");
        double onPrimary = reads("primary");

        // Each kind of write on its own, against a replica that has replayed everything before it.
        freshLag();
        Conversation c = create(user, "Fresh");
        assertEquals(0, onReplica("select count(*) from conversations where id = '" + c.getId() + "'"),
                "the replica has not replayed the new conversation");
        assertEquals(List.of(c.getId(), doomed.getId()), ids(list(user, "")), "the writer sees the new conversation at once");

        freshLag();
        say(user, c.getId(), "Right after");
        assertEquals(List.of(FakeAi.fullReply(), "Right after"), contents(messages(user, c.getId(), "")),
                "the message and its reply, read right after the send");

        freshLag();
        calls.chat().updateConversation(UpdateConversationRequest.newBuilder().setUserId(user).setConversationId(c.getId())
                .setTitle("Renamed").build());
        assertEquals("Renamed", list(user, "").getItems(0).getTitle());

        freshLag();
        calls.chat().deleteConversation(DeleteConversationRequest.newBuilder().setUserId(user).setConversationId(doomed.getId()).build());
        assertEquals(1, onReplica("select count(*) from conversations where id = '" + doomed.getId() + "'"), "still on the replica");
        assertEquals(List.of(c.getId()), ids(list(user, "")), "the deleted conversation is gone for its writer");

        assertEquals(onPrimary + 4, reads("primary"), "those reads went to the primary");
        assertFalse(answeredByStandby(user), "the writer is on the primary while the replica is behind their writes");
        assertTrue(answeredByStandby(newUser()), "everyone else still reads from the replica");

        replay("pg_wal_replay_resume()");
        awaitReplayed();
        assertTrue(answeredByStandby(user), "back on the replica as soon as it replayed the writes, not after the mark expires");
    }

    @Test
    void readsSurviveAReplicaThatIsDownOrHangs() {
        String user = newUser();
        Conversation c = create(user, "Resilient");
        say(user, c.getId(), "Still there?");
        awaitReplayed();
        assertEquals(false, replicaDegraded(), "healthy replica");

        ReplicaTestResource.proxy.mode(ReplicaProxy.Mode.DOWN);
        double fallbacks = reads("fallback");
        assertEquals(2, messages(user, c.getId(), "").getItemsCount(), "answered by the primary");
        assertEquals(List.of(c.getId()), ids(list(user, "")));
        assertEquals(fallbacks + 2, reads("fallback"), "both reads counted as fallbacks");
        assertEquals(true, replicaDegraded(), "readiness says degraded ...");
        RestAssured.given().baseUri(url.toString()).get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem("read-replica")); // ... but stays UP

        ReplicaTestResource.proxy.mode(ReplicaProxy.Mode.HANG);
        sleep(ReplicaTestResource.RETRY_AFTER.plusMillis(200));
        fallbacks = reads("fallback");
        assertEquals(2, messages(user, c.getId(), "").getItemsCount(), "a replica that never answers times out into the primary");
        assertEquals(fallbacks + 1, reads("fallback"));

        ReplicaTestResource.proxy.mode(ReplicaProxy.Mode.FORWARD);
        String reader = newUser();
        assertNotNull(ChatCalls.await(CATCH_UP, () -> answeredByStandby(reader) ? true : null), "the replica is used again after retry-after");
        double onReplica = reads("replica");
        assertEquals(2, messages(user, c.getId(), "").getItemsCount());
        assertEquals(onReplica + 1, reads("replica"));
        assertEquals(false, replicaDegraded());
    }

    // ---------------------------------------------------------------------------------------------

    /** Runs pg_is_in_recovery() through the very route the history reads take. */
    private boolean answeredByStandby(String user) {
        return router.read(UUID.fromString(user), sql -> sql.query("SELECT pg_is_in_recovery()").execute()
                .map(rs -> rs.iterator().next().getBoolean(0))).await().atMost(Duration.ofSeconds(10));
    }

    private double reads(String result) {
        return registry.find("oviya.chat.replica.reads").tag("result", result).counter().count();
    }

    private Object replicaDegraded() {
        List<Object> degraded = RestAssured.given().baseUri(url.toString()).get("/q/health/ready").then().statusCode(200)
                .extract().jsonPath().getList("checks.findAll { it.name == 'read-replica' }.data.degraded");
        return degraded.get(0);
    }

    /** Pauses or resumes WAL replay on the replica (./oviya deps lets the app role do that in the test database). */
    private static void replay(String call) {
        try (Connection c = ReplicaTestResource.connect(); Statement s = c.createStatement()) {
            s.execute("SELECT " + call);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + call + " on the replica (run ./oviya deps, which grants it): " + e.getMessage(), e);
        }
    }

    private static long onReplica(String sql) {
        try (Connection c = ReplicaTestResource.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lets the replica replay everything written so far, then pauses its replay: whatever comes next lags. */
    private void freshLag() {
        replay("pg_wal_replay_resume()");
        awaitReplayed();
        replay("pg_wal_replay_pause()");
    }

    /** Waits until the replica has replayed everything the primary has written so far. */
    private void awaitReplayed() {
        String lsn = calls.rows("select pg_current_wal_lsn()::text").get(0);
        Boolean done = ChatCalls.await(CATCH_UP, () -> {
            try (Connection c = ReplicaTestResource.connect();
                    PreparedStatement ps = c.prepareStatement("select pg_last_wal_replay_lsn() >= ?::pg_lsn")) {
                ps.setString(1, lsn);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getBoolean(1) ? true : null;
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        assertNotNull(done, "the replica did not replay up to " + lsn + " within " + CATCH_UP);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Conversation create(String userId, String title) {
        return calls.chat().createConversation(CreateConversationRequest.newBuilder().setUserId(userId).setTitle(title).build());
    }

    private ConversationPage list(String userId, String cursor) {
        return calls.chat().listConversations(ListConversationsRequest.newBuilder().setUserId(userId).setCursor(cursor).build());
    }

    private MessagePage messages(String userId, String conversationId, String cursor) {
        return messages(userId, conversationId, 0, cursor);
    }

    private MessagePage messages(String userId, String conversationId, int limit, String cursor) {
        return calls.chat().listMessages(ListMessagesRequest.newBuilder().setUserId(userId).setConversationId(conversationId)
                .setLimit(limit).setCursor(cursor).build());
    }

    private void say(String userId, String conversationId, String content) {
        List<ChatEvent> events = calls.sendAndCollect(send(userId, conversationId, content).build());
        assertTrue(events.get(events.size() - 1).hasReplyCompleted(), "reply completed: " + events);
    }

    private static List<String> ids(ConversationPage page) {
        return page.getItemsList().stream().map(Conversation::getId).toList();
    }

    private static List<String> contents(MessagePage page) {
        return page.getItemsList().stream().map(Message::getContent).toList();
    }
}
