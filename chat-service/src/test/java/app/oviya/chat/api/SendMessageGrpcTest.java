package app.oviya.chat.api;

import static app.oviya.chat.support.ChatCalls.assertFails;
import static app.oviya.chat.support.ChatCalls.await;
import static app.oviya.chat.support.ChatCalls.newUser;
import static app.oviya.chat.support.ChatCalls.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.ai.v1.GenerateRequest;
import app.oviya.chat.support.ChatCalls;
import app.oviya.chat.support.FakeAi;
import app.oviya.chat.support.FakeMemory;
import app.oviya.chat.support.FakePeers;
import app.oviya.chat.v1.ChatEvent;
import app.oviya.chat.v1.CreateConversationRequest;
import app.oviya.chat.v1.ListMessagesRequest;
import app.oviya.chat.v1.Message;
import app.oviya.chat.v1.MessagePage;
import app.oviya.chat.v1.SendMessageRequest;
import app.oviya.chat.v1.ResumeReplyRequest;
import app.oviya.common.testing.GrpcTestSupport;
import app.oviya.memory.v1.ExtractFromTurnRequest;
import io.agroal.api.AgroalDataSource;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The send-message orchestration against fake ai-service and memory-service peers: event order,
 * what is stored, idempotency (also under concurrency) and the failure policy.
 */
@QuarkusTest
@WithTestResource(value = FakePeers.class, scope = TestResourceScope.MATCHING_RESOURCES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SendMessageGrpcTest {

    @TestHTTPResource("/")
    URL url;

    @Inject
    AgroalDataSource db;

    @Inject
    CircuitBreakerMaintenance circuitBreakers;

    @Inject
    io.quarkus.redis.datasource.RedisDataSource redis;

    private ManagedChannel channel;
    private ChatCalls calls;
    private String user;
    private String conversation;

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
    void freshUserAndHealthyPeers() {
        FakeAi.reset();
        FakeMemory.reset();
        user = newUser();
        conversation = calls.chat().createConversation(CreateConversationRequest.newBuilder().setUserId(user).setTitle("t").build())
                .getId();
    }

    @AfterEach
    void resetCircuitBreakers() {
        FakeAi.reset();
        FakeMemory.reset();
        circuitBreakers.resetAll();
    }

    private long rows(String role) {
        return calls.count("select count(*) from messages where conversation_id = ? and role = ?", UUID.fromString(conversation), role);
    }

    private static String key() {
        return "key-" + UUID.randomUUID();
    }

    private static String deltaText(List<ChatEvent> events) {
        return events.stream().filter(ChatEvent::hasReplyDelta).map(e -> e.getReplyDelta().getText()).collect(Collectors.joining());
    }

    private static ChatEvent last(List<ChatEvent> events) {
        return events.get(events.size() - 1);
    }

    private static void assertIncreasingSeq(List<ChatEvent> events) {
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i + 1, events.get(i).getSeq(), "seq counts up from 1 without gaps: " + events);
        }
    }

    @Test
    void replyIsStreamedStoredAndHandedToMemory() {
        String content = "I finally finished my thesis today";
        List<ChatEvent> events = calls.sendAndCollect(send(user, conversation, content).setIdempotencyKey(key()).build());

        assertIncreasingSeq(events);
        Message created = events.get(0).getMessageCreated();
        assertTrue(events.get(0).hasMessageCreated(), "first event is message_created: " + events);
        assertEquals("user", created.getRole());
        assertEquals("complete", created.getStatus());
        assertEquals(content, created.getContent());
        assertEquals(conversation, created.getConversationId());

        List<ChatEvent> deltas = events.subList(1, events.size() - 1);
        assertEquals(FakeAi.DELTAS.size(), deltas.size(), "one reply_delta per AI delta: " + events);
        assertTrue(deltas.stream().allMatch(ChatEvent::hasReplyDelta));
        Set<String> deltaIds = deltas.stream().map(e -> e.getReplyDelta().getMessageId()).collect(Collectors.toSet());
        assertEquals(1, deltaIds.size(), "all deltas belong to one message");

        assertTrue(last(events).hasReplyCompleted(), "last event is reply_completed: " + last(events));
        Message reply = last(events).getReplyCompleted();
        assertEquals(deltaIds.iterator().next(), reply.getId(), "the deltas carried the id of the stored reply");
        assertEquals("assistant", reply.getRole());
        assertEquals("complete", reply.getStatus());
        assertEquals(FakeAi.fullReply(), reply.getContent());
        assertEquals(deltaText(events), reply.getContent());
        assertEquals(FakeAi.EMOTION_LABEL, reply.getEmotion().getLabel());
        assertEquals(FakeAi.EMOTION_INTENSITY, reply.getEmotion().getIntensity(), 1e-6);
        assertEquals("fake:fake-1", reply.getProvider());

        // Stored: both rows, the reply linked to the user message.
        assertEquals(1, calls.count("select count(*) from messages where id = ? and role = 'user' and content = ? and status = 'complete'",
                UUID.fromString(created.getId()), content));
        assertEquals(List.of(FakeAi.fullReply(), "complete", created.getId(), "joy"), calls.row(
                "select content, status, reply_to::text, emotion_label from messages where id = ?", UUID.fromString(reply.getId())));

        // History: newest first.
        MessagePage page = calls.chat().listMessages(
                ListMessagesRequest.newBuilder().setUserId(user).setConversationId(conversation).build());
        assertEquals(List.of(reply.getId(), created.getId()), page.getItemsList().stream().map(Message::getId).toList());
        assertEquals(reply, page.getItems(0));

        // What the peers were asked: memories searched with the user's text and passed to the AI.
        assertEquals(List.of(content), FakeMemory.searchesOf(user).stream().map(r -> r.getQuery()).toList());
        GenerateRequest asked = FakeAi.requestsOf(user).get(0);
        assertEquals(content, asked.getUserMessage());
        assertEquals(conversation, asked.getConversationId());
        assertEquals(List.of(FakeMemory.MEMORY), asked.getMemoriesList().stream().map(m -> m.getContent()).toList());
        // The message's embedding from the search travels on, so ai-service does not embed it again.
        assertEquals(FakeMemory.QUERY_EMBEDDING, asked.getMessageEmbeddingList());
        assertEquals(FakeMemory.EMBEDDING_MODEL, asked.getMessageEmbeddingModel());
        assertEquals(0, asked.getContextCount(), "the current message is not repeated as context");

        // Extraction gets the user's own words only, after the reply (asynchronously).
        List<ExtractFromTurnRequest> extracted = await(Duration.ofSeconds(10),
                () -> FakeMemory.extractionsOf(user).isEmpty() ? null : FakeMemory.extractionsOf(user));
        assertNotNull(extracted, "memory extraction was requested");
        assertEquals(1, extracted.size());
        assertEquals(created.getId(), extracted.get(0).getMessageId());
        assertEquals(content, extracted.get(0).getUserText());
        assertFalse(extracted.get(0).getUserText().contains(FakeAi.DELTAS.get(0).strip()));
        assertFalse(extracted.get(0).getSentAt().isEmpty());
    }

    @Test
    void laterTurnsSendTheEarlierOnesAsContextOldestFirst() {
        calls.sendAndCollect(send(user, conversation, "first message").build());
        List<ChatEvent> second = calls.sendAndCollect(send(user, conversation, "second message").build());
        assertTrue(last(second).hasReplyCompleted());

        GenerateRequest asked = FakeAi.requestsOf(user).get(1);
        assertEquals("second message", asked.getUserMessage());
        assertEquals(List.of("user:first message", "assistant:" + FakeAi.fullReply()),
                asked.getContextList().stream().map(c -> c.getRole() + ":" + c.getContent()).toList());
    }

    @Test
    void contextComesFromTheRecentWindowCacheAfterTheFirstTurnAndTheHitRateIsExported() {
        double hitsBefore = cacheCount("hit");
        double missesBefore = cacheCount("miss");
        for (int i = 1; i <= 5; i++) {
            assertTrue(last(calls.sendAndCollect(send(user, conversation, "turn " + i).build())).hasReplyCompleted());
        }
        // Turn 1 fills the cache from the database; turns 2..5 read it (and see every earlier turn, in order).
        assertEquals(4, cacheCount("hit") - hitsBefore, 0.01);
        assertEquals(1, cacheCount("miss") - missesBefore, 0.01);
        GenerateRequest fifth = FakeAi.requestsOf(user).get(4);
        List<String> expected = new java.util.ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            expected.add("user:turn " + i);
            expected.add("assistant:" + FakeAi.fullReply());
        }
        assertEquals(expected, fifth.getContextList().stream().map(c -> c.getRole() + ":" + c.getContent()).toList());
        assertTrue(metrics().contains("oviya_chat_context_cache_hit_ratio"), "the hit ratio gauge is exported");
    }

    private String metrics() {
        return io.restassured.RestAssured.given().baseUri(url.toString()).get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private double cacheCount(String result) {
        for (String line : metrics().split("\n")) {
            if (line.startsWith("oviya_chat_context_cache_total{") && line.contains("result=\"" + result + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    @Test
    void sameIdempotencyKeyReturnsTheSameMessages() {
        SendMessageRequest request = send(user, conversation, "Are you there?").setIdempotencyKey(key()).build();
        List<ChatEvent> first = calls.sendAndCollect(request);
        List<ChatEvent> again = calls.sendAndCollect(request);

        assertTrue(last(first).hasReplyCompleted());
        assertEquals(2, again.size(), "a replay is message_created + reply_completed: " + again);
        assertIncreasingSeq(again);
        assertEquals(first.get(0).getMessageCreated().getId(), again.get(0).getMessageCreated().getId());
        assertEquals(last(first).getReplyCompleted(), again.get(1).getReplyCompleted());

        assertEquals(1, rows("user"));
        assertEquals(1, rows("assistant"));
        assertEquals(1, FakeAi.requestsOf(user).size(), "the AI answered once");
    }

    @Test
    void concurrentDuplicateSendsStoreOneMessageAndAtMostOneReply() throws Exception {
        FakeAi.delayMillis = 100;
        SendMessageRequest request = send(user, conversation, "Hello from five taps").setIdempotencyKey(key()).build();
        int senders = 5;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        List<Future<List<ChatEvent>>> results = new ArrayList<>();
        try {
            for (int i = 0; i < senders; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return calls.sendAndCollect(request);
                }));
            }
            start.countDown();
            Set<String> createdIds = new HashSet<>();
            Set<String> replyIds = new HashSet<>();
            for (Future<List<ChatEvent>> f : results) {
                try {
                    List<ChatEvent> events = f.get(60, TimeUnit.SECONDS);
                    assertTrue(last(events).hasReplyCompleted(), "an accepted duplicate ends with the reply: " + last(events));
                    String replyId = last(events).getReplyCompleted().getId();
                    assertTrue(events.stream().filter(ChatEvent::hasReplyDelta).allMatch(e -> e.getReplyDelta().getMessageId().equals(replyId)),
                            "deltas name the reply that was stored: " + events);
                    events.stream().filter(ChatEvent::hasMessageCreated).forEach(e -> createdIds.add(e.getMessageCreated().getId()));
                    events.stream().filter(ChatEvent::hasReplyCompleted).forEach(e -> replyIds.add(e.getReplyCompleted().getId()));
                } catch (ExecutionException e) {
                    // A duplicate may be turned away while the first is in progress, but only as a conflict.
                    StatusRuntimeException sre = (StatusRuntimeException) e.getCause();
                    assertEquals("conflict", GrpcTestSupport.errorCode(sre), sre.toString());
                }
            }
            assertEquals(1, createdIds.size(), "every accepted duplicate saw the same user message: " + createdIds);
            assertEquals(1, replyIds.size(), "every stream ended with the one stored reply: " + replyIds);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, rows("user"));
        assertEquals(1, rows("assistant"), "one stored reply");
        assertEquals(1, FakeAi.requestsOf(user).size(), "duplicates re-attached to the reply in progress: the AI was asked once");
        assertEquals(1, calls.count("select count(*) from messages where user_id = ? and idempotency_key = ?",
                UUID.fromString(user), request.getIdempotencyKey()));
    }

    private List<ChatEvent> resume(String who, String messageId, long afterSeq) {
        List<ChatEvent> out = new ArrayList<>();
        calls.chat().resumeReply(ResumeReplyRequest.newBuilder().setUserId(who).setConversationId(conversation)
                .setMessageId(messageId).setAfterSeq(afterSeq).build()).forEachRemaining(out::add);
        return out;
    }

    @Test
    void aResumedStreamGetsTheRestOfTheReplyInProgressWithTheSameSeqs() throws Exception {
        FakeAi.delayMillis = 150;
        Iterator<ChatEvent> original = calls.chat().sendMessage(send(user, conversation, "Tell me something kind").build());
        ChatEvent created = original.next();
        ChatEvent firstDelta = original.next();
        assertTrue(firstDelta.hasReplyDelta(), "in progress: " + firstDelta);

        // The app lost its connection after event 2 and comes back, once by the user message, once by the reply id.
        List<ChatEvent> rest = resume(user, created.getMessageCreated().getId(), firstDelta.getSeq());
        List<ChatEvent> all = new ArrayList<>(List.of(created, firstDelta));
        original.forEachRemaining(all::add);
        assertEquals(all.subList(2, all.size()), rest, "exactly the events after Last-Event-ID, with the same seqs");
        assertTrue(last(rest).hasReplyCompleted());
        assertEquals(all, resume(user, firstDelta.getReplyDelta().getMessageId(), 0), "a finished reply replays from the start");
        assertEquals(1, FakeAi.requestsOf(user).size(), "resuming never asks the AI");
        assertEquals(1, rows("assistant"));
    }

    @Test
    void everyEventOfAReplyIsPublishedOnTheUsersRealtimeChannel() throws Exception {
        List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        var subscriber = redis.pubsub(String.class).subscribe(
                app.oviya.chat.service.ReplyStreams.realtimeChannel(UUID.fromString(user)), received::add);
        try {
            Thread.sleep(200); // the subscription is in place
            List<ChatEvent> sent = calls.sendAndCollect(send(user, conversation, "Is anyone listening?").build());
            List<ChatEvent> published = await(Duration.ofSeconds(10), () -> received.size() >= sent.size() ? received : null)
                    .stream().map(json -> {
                        io.vertx.core.json.JsonObject o = new io.vertx.core.json.JsonObject(json);
                        assertEquals(conversation, o.getString("conversationId"));
                        try {
                            return ChatEvent.parseFrom(java.util.Base64.getDecoder().decode(o.getString("event")));
                        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                            throw new IllegalStateException(e);
                        }
                    }).toList();
            assertEquals(sent, published, "the user's other devices see the same events, in order");
        } finally {
            subscriber.unsubscribe();
        }
    }

    @Test
    void aFinishedReplyReplaysFromTheDatabaseOnceItsStreamIsGoneAndStrangersGetNotFound() {
        List<ChatEvent> sent = calls.sendAndCollect(send(user, conversation, "Good night").build());
        String userMessageId = sent.get(0).getMessageCreated().getId();
        Message reply = last(sent).getReplyCompleted();
        redis.key().del("oviya:chat:reply:" + reply.getId());
        List<ChatEvent> replay = resume(user, userMessageId, 0);
        assertEquals(2, replay.size(), "message.created and reply.completed: " + replay);
        assertEquals(userMessageId, replay.get(0).getMessageCreated().getId());
        assertEquals(reply, replay.get(1).getReplyCompleted());
        List<ChatEvent> tail = resume(user, reply.getId(), 3);
        assertEquals(1, tail.size());
        assertEquals(4, tail.get(0).getSeq(), "after Last-Event-ID 3 comes 4");
        assertEquals(reply, tail.get(0).getReplyCompleted());

        assertFails(Status.Code.NOT_FOUND, "not_found", () -> resume(newUser(), userMessageId, 0));
        assertFails(Status.Code.NOT_FOUND, "not_found", () -> resume(user, UUID.randomUUID().toString(), 0));
        assertEquals(1, FakeAi.requestsOf(user).size());
    }

    @Test
    void sameKeyWithDifferentContentIsAConflict() {
        String k = key();
        assertTrue(last(calls.sendAndCollect(send(user, conversation, "one thing").setIdempotencyKey(k).build())).hasReplyCompleted());
        assertFails(Status.Code.ALREADY_EXISTS, "conflict",
                () -> calls.sendAndCollect(send(user, conversation, "another thing").setIdempotencyKey(k).build()));
        String other = calls.chat().createConversation(CreateConversationRequest.newBuilder().setUserId(user).build()).getId();
        assertFails(Status.Code.ALREADY_EXISTS, "conflict",
                () -> calls.sendAndCollect(send(user, other, "one thing").setIdempotencyKey(k).build()));
        assertEquals(1, rows("user"));
    }

    @Test
    void replyCompletesWithoutMemoriesWhenMemorySearchFails() {
        FakeMemory.searchMode = FakeMemory.SearchMode.FAIL;
        List<ChatEvent> events = calls.sendAndCollect(send(user, conversation, "Tell me something nice").build());
        assertTrue(last(events).hasReplyCompleted(), "reply still completes: " + events);
        assertEquals(1, FakeMemory.searchesOf(user).size(), "memory was asked");
        assertEquals(0, FakeAi.requestsOf(user).get(0).getMemoriesCount(), "and the AI answered without memories");
        assertEquals(1, rows("assistant"));
    }

    @Test
    void replyDoesNotWaitForASlowMemorySearch() {
        FakeMemory.searchMode = FakeMemory.SearchMode.SLOW;
        List<ChatEvent> events = calls.sendAndCollect(send(user, conversation, "Quick question").build());
        assertTrue(last(events).hasReplyCompleted(), "reply still completes: " + events);
        assertEquals(1, FakeMemory.searchesOf(user).size(), "memory was asked");
        // The slow fake does answer with a memory, after its delay: the AI got none, so chat did not wait for it.
        assertEquals(0, FakeAi.requestsOf(user).get(0).getMemoriesCount());
    }

    @Test
    void theAiGetsThePlanPersonaAndCountryTheGatewaySentWithTheMessage() {
        List<ChatEvent> events = calls.sendAndCollect(send(user, conversation, "Long day today")
                .setPlan("premium").setPersona("a calm older sister").setCountry("GB").build());
        assertTrue(last(events).hasReplyCompleted(), "reply completes: " + events);
        GenerateRequest r = FakeAi.requestsOf(user).get(0);
        assertEquals("premium", r.getPlan());
        assertEquals("a calm older sister", r.getCustomPersona());
        assertEquals("GB", r.getCountry());
    }

    @Test
    void aUserWithoutPersonaOrCountrySendsNeither() {
        calls.sendAndCollect(send(user, conversation, "Hi").build());
        GenerateRequest r = FakeAi.requestsOf(user).get(0);
        assertEquals("", r.getCustomPersona());
        assertEquals("", r.getCountry());
    }

    @Test
    void aiUnavailableKeepsTheUserMessageAndARetrySucceeds() {
        FakeAi.mode = FakeAi.Mode.UNAVAILABLE;
        SendMessageRequest request = send(user, conversation, "Is anyone there?").setIdempotencyKey(key()).build();
        List<ChatEvent> failed = calls.sendAndCollect(request);

        assertEquals(2, failed.size(), "message_created then error: " + failed);
        assertIncreasingSeq(failed);
        assertTrue(failed.get(0).hasMessageCreated());
        assertTrue(failed.get(1).hasError());
        assertEquals("unavailable", failed.get(1).getError().getCode());
        assertTrue(failed.get(1).getError().getRetryable());
        assertFalse(failed.get(1).getError().getDetail().isEmpty());
        assertEquals(1, rows("user"), "the user message is saved");
        assertEquals(0, rows("assistant"));

        FakeAi.mode = FakeAi.Mode.REPLY;
        List<ChatEvent> retried = calls.sendAndCollect(request);
        assertIncreasingSeq(retried);
        assertEquals(failed.get(0).getMessageCreated().getId(), retried.get(0).getMessageCreated().getId(), "same user message");
        assertTrue(last(retried).hasReplyCompleted(), "the retry gets a reply: " + retried);
        assertEquals(FakeAi.fullReply(), last(retried).getReplyCompleted().getContent());
        assertEquals(1, rows("user"));
        assertEquals(1, rows("assistant"));
    }

    @Test
    void aiFailingMidStreamKeepsThePartialReply() {
        FakeAi.mode = FakeAi.Mode.FAIL_MID_STREAM;
        List<ChatEvent> events = calls.sendAndCollect(send(user, conversation, "Tell me a long story").setIdempotencyKey(key()).build());

        assertIncreasingSeq(events);
        assertTrue(events.get(0).hasMessageCreated());
        assertEquals(FakeAi.MID_STREAM_DELTAS, events.stream().filter(ChatEvent::hasReplyDelta).count(), "the deltas that arrived: " + events);
        assertTrue(last(events).hasError(), "ends with an error: " + last(events));
        assertEquals("unavailable", last(events).getError().getCode());
        assertTrue(last(events).getError().getRetryable());

        String replyId = events.get(1).getReplyDelta().getMessageId();
        assertEquals(List.of("assistant", "partial", FakeAi.partialReply(), events.get(0).getMessageCreated().getId()), calls.row(
                "select role, status, content, reply_to::text from messages where id = ?", UUID.fromString(replyId)));
        assertEquals(1, rows("user"));
        assertEquals(1, rows("assistant"));

        Message listed = calls.chat().listMessages(
                ListMessagesRequest.newBuilder().setUserId(user).setConversationId(conversation).build()).getItems(0);
        assertEquals("partial", listed.getStatus());
        assertEquals(FakeAi.partialReply(), listed.getContent());
        assertTrue(FakeMemory.extractionsOf(user).isEmpty(), "no extraction for an unfinished turn");
    }

    @Test
    void retryAfterAPartialReplyReturnsTheSameMessagesWithoutAskingTheAiAgain() {
        FakeAi.mode = FakeAi.Mode.FAIL_MID_STREAM;
        SendMessageRequest request = send(user, conversation, "Tell me another story").setIdempotencyKey(key()).build();
        List<ChatEvent> broken = calls.sendAndCollect(request);
        assertTrue(last(broken).hasError());

        FakeAi.mode = FakeAi.Mode.REPLY;
        List<ChatEvent> again = calls.sendAndCollect(request);
        assertEquals(2, again.size(), "a replay: " + again);
        assertEquals(broken.get(0).getMessageCreated().getId(), again.get(0).getMessageCreated().getId());
        Message replayed = again.get(1).getReplyCompleted();
        assertEquals(broken.get(1).getReplyDelta().getMessageId(), replayed.getId());
        assertEquals("partial", replayed.getStatus());
        assertEquals(FakeAi.partialReply(), replayed.getContent());
        assertEquals(1, FakeAi.requestsOf(user).size(), "never a duplicate reply");
        assertEquals(1, rows("user"));
        assertEquals(1, rows("assistant"));
    }

    @Test
    void clientGoingAwayMidReplyKeepsWhatWasGenerated() {
        FakeAi.delayMillis = 200;
        Context.CancellableContext call = Context.current().withCancellation();
        List<ChatEvent> seen = new ArrayList<>();
        call.run(() -> {
            Iterator<ChatEvent> events = calls.chat().sendMessage(send(user, conversation, "Are you still there?").build());
            seen.add(events.next());
            seen.add(events.next());
        });
        call.cancel(null);
        assertTrue(seen.get(0).hasMessageCreated());
        assertTrue(seen.get(1).hasReplyDelta(), "got a delta before going away: " + seen);
        UUID replyId = UUID.fromString(seen.get(1).getReplyDelta().getMessageId());

        List<String> stored = await(Duration.ofSeconds(10),
                () -> calls.row("select status, content from messages where id = ?", replyId));
        assertNotNull(stored, "the partial reply was stored");
        assertEquals("partial", stored.get(0));
        assertFalse(stored.get(1).isEmpty());
        assertTrue(FakeAi.fullReply().startsWith(stored.get(1)), "a prefix of the reply: " + stored.get(1));
        assertEquals(1, rows("user"));
    }
}
