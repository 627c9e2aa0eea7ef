package app.oviya.gateway.realtime;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.chat.v1.ChatError;
import app.oviya.chat.v1.ChatEvent;
import app.oviya.chat.v1.Emotion;
import app.oviya.chat.v1.Message;
import app.oviya.chat.v1.ReplyDelta;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GET /v1/realtime through the app, with the real Redis and fake auth/chat services: the upgrade's
 * authentication, chat-service's events (published exactly as chat-service publishes them) turned
 * into frames, typing relayed to the user's other sockets only, bad frames, size limit, token expiry.
 */
@QuarkusTest
@QuarkusTestResource(value = RealtimeFakes.class, restrictToAnnotatedClass = true)
class RealtimeSocketTest {

    static final Duration QUIET = Duration.ofMillis(300);

    @Inject
    Vertx vertx;

    @Inject
    Redis redis;

    @Inject
    RealtimeHub hub;

    @TestHTTPResource("/")
    URL base;

    @AfterEach
    void chatUp() {
        RealtimeFakes.chatDown = false;
    }

    /** The sockets of earlier tests are gone, so {@link #opened} can count this test's. */
    @BeforeEach
    void noSocketsLeft() {
        opened(0);
    }

    /** Waits until the server has run @OnOpen (or @OnClose) for the sockets: the client sees the 101 first. */
    void opened(int sockets) {
        long deadline = System.nanoTime() + TestSocket.WAIT.toNanos();
        while (hub.openSockets() != sockets && System.nanoTime() < deadline) {
            sleep(10);
        }
        assertEquals(sockets, hub.openSockets(), "open sockets on the server");
    }

    static String user() {
        return UUID.randomUUID().toString();
    }

    static String token(String user) {
        return RealtimeFakes.token(user, 900);
    }

    /** PUBLISH as chat-service does (ReplyStreams.announce), once the user's channel has a subscriber. */
    void announce(String user, String conversationId, ChatEvent event) {
        String channel = "oviya:realtime:user:" + user;
        awaitSubscribed(channel);
        String json = new JsonObject().put("conversationId", conversationId)
                .put("event", Base64.getEncoder().encodeToString(event.toByteArray())).encode();
        redis.send(Request.cmd(Command.PUBLISH).arg(channel).arg(json)).await().atMost(TestSocket.WAIT);
    }

    void publishRaw(String user, String json) {
        String channel = "oviya:realtime:user:" + user;
        awaitSubscribed(channel);
        redis.send(Request.cmd(Command.PUBLISH).arg(channel).arg(json)).await().atMost(TestSocket.WAIT);
    }

    void awaitSubscribed(String channel) {
        long deadline = System.nanoTime() + TestSocket.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            var r = redis.send(Request.cmd(Command.PUBSUB).arg("NUMSUB").arg(channel)).await().atMost(TestSocket.WAIT);
            if (r.get(1).toLong() > 0) {
                return;
            }
            sleep(20);
        }
        throw new AssertionError("nobody subscribed to " + channel);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static Message message(String id, String conversationId, String role, String content) {
        return Message.newBuilder().setId(id).setConversationId(conversationId).setRole(role).setContent(content)
                .setStatus("complete").setCreatedAt("2026-01-01T00:00:00Z").build();
    }

    /** A marker event: the first frame a socket gets after it proves nothing else came before it. */
    void marker(String user, String conversationId) {
        announce(user, conversationId, ChatEvent.newBuilder().setSeq(99)
                .setMessageCreated(message("marker", conversationId, "assistant", "-")).build());
    }

    static void assertMarker(TestSocket socket) {
        JsonObject f = socket.next();
        assertEquals("marker", f.getJsonObject("message", new JsonObject()).getString("id"), "expected only the marker, got " + f.encode());
    }

    @Test
    void anUpgradeWithoutAValidTokenIsRefusedWith401() {
        String user = user();
        assertEquals(401, TestSocket.refusedStatus(vertx, TestSocket.options(base, "/v1/realtime")));
        assertEquals(401, TestSocket.refusedStatus(vertx, TestSocket.options(base, "/v1/realtime?access_token=not.a.jwt")));
        assertEquals(401, TestSocket.refusedStatus(vertx, TestSocket.options(base, "/v1/realtime")
                .setSubProtocols(List.of(RealtimeUpgradeCheck.SUBPROTOCOL, "bearer.garbage"))));
        // Expired beyond the allowed clock skew (30 s).
        String expired = RealtimeFakes.token(user, -120);
        assertEquals(401, TestSocket.refusedStatus(vertx, TestSocket.options(base, "/v1/realtime?access_token=" + expired)));
        assertEquals(401, TestSocket.refusedStatus(vertx, TestSocket.options(base, "/v1/realtime")
                .setSubProtocols(List.of(RealtimeUpgradeCheck.SUBPROTOCOL, "bearer." + expired))));
        // A valid token with one character of its signature changed.
        String token = token(user);
        char last = token.charAt(token.length() - 2);
        String tampered = token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
        assertEquals(401, TestSocket.refusedStatus(vertx, TestSocket.options(base, "/v1/realtime?access_token=" + tampered)));
    }

    @Test
    void aTokenInTheSubprotocolOrTheQueryOpensTheSocket() {
        String user = user();
        try (TestSocket viaProtocol = TestSocket.withSubprotocol(vertx, base, token(user));
                TestSocket viaQuery = TestSocket.withQuery(vertx, base, token(user));
                TestSocket viaHeader = TestSocket.open(vertx, TestSocket.options(base, "/v1/realtime")
                        .addHeader("Authorization", "Bearer " + token(user)))) {
            opened(3);
            assertEquals(RealtimeUpgradeCheck.SUBPROTOCOL, viaProtocol.ws.subProtocol(), "the server selects oviya.v1");
            String c = RealtimeFakes.conversationOf(user);
            marker(user, c);
            assertMarker(viaProtocol);
            assertMarker(viaQuery);
            assertMarker(viaHeader);
        }
    }

    @Test
    void theEventsOfTheUsersConversationsArriveAsFramesAndNoOtherUsers() {
        String alice = user();
        String bob = user();
        String c = RealtimeFakes.conversationOf(alice);
        String bobs = RealtimeFakes.conversationOf(bob);
        try (TestSocket phone = TestSocket.withSubprotocol(vertx, base, token(alice));
                TestSocket laptop = TestSocket.withQuery(vertx, base, token(alice));
                TestSocket bobPhone = TestSocket.withSubprotocol(vertx, base, token(bob))) {
            opened(3);
            Message userMessage = message("m-user", c, "user", "I could not sleep");
            Message reply = message("m-reply", c, "assistant", "That sounds hard.").toBuilder()
                    .setEmotion(Emotion.newBuilder().setLabel("SAD").setIntensity(0.5)).build();
            announce(alice, c, ChatEvent.newBuilder().setSeq(1).setMessageCreated(userMessage).build());
            announce(alice, c, ChatEvent.newBuilder().setSeq(2).setReplyDelta(ReplyDelta.newBuilder().setMessageId("m-reply").setText("That ")).build());
            announce(alice, c, ChatEvent.newBuilder().setSeq(3).setReplyCompleted(reply).build());

            for (TestSocket s : List.of(phone, laptop)) {
                JsonObject created = s.next("message.created");
                assertEquals(c, created.getString("conversationId"));
                assertEquals(1, created.getInteger("seq"));
                assertEquals(new JsonObject().put("id", "m-user").put("conversationId", c).put("role", "user")
                        .put("content", "I could not sleep").put("status", "complete").put("createdAt", "2026-01-01T00:00:00Z"),
                        created.getJsonObject("message"));
                assertEquals(new JsonObject().put("type", "typing").put("conversationId", c).put("from", "assistant").put("state", "start"),
                        s.next("typing"));
                JsonObject delta = s.next("reply.delta");
                assertEquals("m-reply", delta.getString("messageId"));
                assertEquals("That ", delta.getString("text"));
                assertEquals(c, delta.getString("conversationId"));
                JsonObject completed = s.next("reply.completed");
                assertEquals("That sounds hard.", completed.getJsonObject("message").getString("content"));
                assertEquals("sad", completed.getJsonObject("message").getJsonObject("emotion").getString("label"));
                assertEquals(new JsonObject().put("type", "typing").put("conversationId", c).put("from", "assistant").put("state", "stop"),
                        s.next("typing"));
            }

            // A reply that fails: the error frame (a problem with the conversation) and the assistant stops typing.
            String other = RealtimeFakes.conversationOf(alice);
            announce(alice, other, ChatEvent.newBuilder().setSeq(2).setReplyDelta(ReplyDelta.newBuilder().setMessageId("m2").setText("Hm")).build());
            announce(alice, other, ChatEvent.newBuilder().setSeq(3).setError(ChatError.newBuilder().setCode("unavailable")
                    .setDetail("the companion is unavailable").setRetryable(true)).build());
            assertEquals("start", phone.next("typing").getString("state"), "a socket that sees a delta first is told the assistant types");
            phone.next("reply.delta");
            JsonObject error = phone.next("error");
            assertEquals(other, error.getString("conversationId"));
            assertEquals("unavailable", error.getString("code"));
            assertEquals("the companion is unavailable", error.getString("detail"));
            assertEquals("stop", phone.next("typing").getString("state"));

            // Bob's socket saw none of Alice's events: its first frame is his own.
            marker(bob, bobs);
            assertMarker(bobPhone);
        }
    }

    @Test
    void typingIsRelayedToTheUsersOtherSocketsButNotEchoedNorToOthers() {
        String alice = user();
        String bob = user();
        String c = RealtimeFakes.conversationOf(alice);
        try (TestSocket phone = TestSocket.withSubprotocol(vertx, base, token(alice));
                TestSocket laptop = TestSocket.withQuery(vertx, base, token(alice));
                TestSocket bobPhone = TestSocket.withSubprotocol(vertx, base, token(bob))) {
            opened(3);
            phone.send("{\"type\":\"typing\",\"conversationId\":\"" + c + "\",\"state\":\"start\"}");
            assertEquals(new JsonObject().put("type", "typing").put("conversationId", c).put("from", "user").put("state", "start"),
                    laptop.next("typing"));
            laptop.send("{\"type\":\"typing\",\"conversationId\":\"" + c + "\",\"state\":\"stop\"}");
            // The phone's first frame is the laptop's stop: its own start did not come back.
            assertEquals("stop", phone.next("typing").getString("state"));
            laptop.assertNoFrameWithin(QUIET);

            marker(bob, RealtimeFakes.conversationOf(bob));
            assertMarker(bobPhone);
        }
    }

    @Test
    void typingFromAnotherGatewayInstanceArrivesThroughRedis() {
        String alice = user();
        String c = RealtimeFakes.conversationOf(alice);
        try (TestSocket phone = TestSocket.withSubprotocol(vertx, base, token(alice))) {
            opened(1);
            publishRaw(alice, new JsonObject().put("conversationId", c).put("typing", "start").put("origin", "a-socket-elsewhere")
                    .put("instance", "another-replica").encode());
            assertEquals(new JsonObject().put("type", "typing").put("conversationId", c).put("from", "user").put("state", "start"),
                    phone.next("typing"));
        }
    }

    @Test
    void typingForAConversationThatIsNotTheCallersIsNotFoundAndRelaysNothing() {
        String alice = user();
        String bob = user();
        String bobs = RealtimeFakes.conversationOf(bob);
        try (TestSocket phone = TestSocket.withSubprotocol(vertx, base, token(alice));
                TestSocket laptop = TestSocket.withQuery(vertx, base, token(alice));
                TestSocket bobPhone = TestSocket.withSubprotocol(vertx, base, token(bob))) {
            opened(3);
            phone.send("{\"type\":\"typing\",\"conversationId\":\"" + bobs + "\",\"state\":\"start\"}");
            JsonObject error = phone.next("error");
            assertEquals("not_found", error.getString("code"));
            assertEquals(404, error.getInteger("status"));
            phone.send("{\"type\":\"typing\",\"conversationId\":\"" + UUID.randomUUID() + "\",\"state\":\"start\"}");
            assertEquals("not_found", phone.next("error").getString("code"));

            RealtimeFakes.chatDown = true;
            phone.send("{\"type\":\"typing\",\"conversationId\":\"" + RealtimeFakes.conversationOf(alice) + "\",\"state\":\"start\"}");
            assertEquals("unavailable", phone.next("error").getString("code"), "chat-service down: the frame cannot be checked");

            marker(bob, bobs);
            assertMarker(bobPhone);
            marker(alice, RealtimeFakes.conversationOf(alice));
            assertMarker(laptop);
            assertFalse(phone.ws.isClosed());
        }
    }

    @Test
    void aConversationIsCheckedOncePerSocketNotOncePerTypingFrame() {
        String alice = user();
        String c = RealtimeFakes.conversationOf(alice);
        try (TestSocket phone = TestSocket.withSubprotocol(vertx, base, token(alice));
                TestSocket laptop = TestSocket.withQuery(vertx, base, token(alice))) {
            opened(2);
            int before = RealtimeFakes.GET_CONVERSATION_CALLS.get();
            for (int i = 0; i < 5; i++) {
                phone.send("{\"type\":\"typing\",\"conversationId\":\"" + c + "\",\"state\":\"" + (i % 2 == 0 ? "start" : "stop") + "\"}");
                laptop.next("typing");
            }
            assertEquals(1, RealtimeFakes.GET_CONVERSATION_CALLS.get() - before);
        }
    }

    @Test
    void malformedFramesAnswerValidationFailedAndKeepTheSocketOpen() {
        String alice = user();
        String c = RealtimeFakes.conversationOf(alice);
        try (TestSocket phone = TestSocket.withSubprotocol(vertx, base, token(alice));
                TestSocket laptop = TestSocket.withQuery(vertx, base, token(alice))) {
            opened(2);
            for (String bad : List.of("not json", "[1,2]", "42", "{}", "{\"type\":\"dance\"}", "{\"type\":\"typing\",\"state\":\"start\"}",
                    "{\"type\":\"typing\",\"conversationId\":\"" + c + "\",\"state\":\"maybe\"}",
                    "{\"type\":\"typing\",\"conversationId\":7,\"state\":\"start\"}")) {
                phone.send(bad);
                JsonObject error = phone.next("error");
                assertEquals("validation_failed", error.getString("code"), bad);
                assertEquals(400, error.getInteger("status"), bad);
            }
            laptop.assertNoFrameWithin(QUIET);
            phone.send("{\"type\":\"typing\",\"conversationId\":\"" + c + "\",\"state\":\"start\"}");
            assertEquals("start", laptop.next("typing").getString("state"), "the socket still works");
        }
    }

    @Test
    void aFloodOfFramesIsRateLimitedPerSocket() {
        String alice = user();
        String c = RealtimeFakes.conversationOf(alice);
        try (TestSocket phone = TestSocket.withSubprotocol(vertx, base, token(alice));
                TestSocket laptop = TestSocket.withQuery(vertx, base, token(alice))) {
            opened(2);
            int sent = 100;
            for (int i = 0; i < sent; i++) {
                phone.send("{\"type\":\"typing\",\"conversationId\":\"" + c + "\",\"state\":\"start\"}");
            }
            JsonObject error = phone.next("error");
            assertEquals("rate_limited", error.getString("code"));
            assertEquals(429, error.getInteger("status"));
            assertFalse(phone.ws.isClosed(), "refused frames do not close the socket");
        }
    }

    @Test
    void aFrameOverTheSizeLimitClosesTheSocketWith1009() {
        String alice = user();
        try (TestSocket small = TestSocket.withSubprotocol(vertx, base, token(alice));
                TestSocket huge = TestSocket.withSubprotocol(vertx, base, token(alice))) {
            opened(2);
            small.send("{\"type\":\"typing\",\"pad\":\"" + "x".repeat(5000) + "\"}");
            assertEquals(CloseCodes.TOO_BIG, small.closeCode());
            // Over Quarkus' buffering limit too (64 KB): refused before it is read whole.
            huge.ws.writeTextMessage("x".repeat(70_000));
            assertEquals(CloseCodes.TOO_BIG, huge.closeCode());
        }
    }

    @Test
    void theSocketIsClosedWith4001AtTheTokensExpiry() {
        String alice = user();
        long start = System.nanoTime();
        try (TestSocket phone = TestSocket.open(vertx, TestSocket.options(base, "/v1/realtime?access_token=" + RealtimeFakes.token(alice, 2)))) {
            opened(1);
            JsonObject notice = phone.next("session.expiring");
            assertTrue(notice.getString("expiresAt").endsWith("Z"), notice.encode());
            assertEquals(CloseCodes.TOKEN_EXPIRED, phone.closeCode());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 500, "not closed before the token expired");
            assertEquals("token expired", phone.ws.closeReason());
        }
    }

    @Test
    void aClientThatStopsReadingIsClosedWith4003InsteadOfBufferingEverythingForIt() {
        String alice = user();
        String conversation = RealtimeFakes.conversationOf(alice);
        String text = "x".repeat(16 * 1024);
        int published = 0;
        try (TestSocket stalled = TestSocket.withSubprotocol(vertx, base, token(alice))) {
            opened(1);
            double before = metric("oviya_realtime_slow_closes_total");
            // The client stops reading: TCP buffers fill, then frames wait in the gateway.
            stalled.ws.pause();
            while (metric("oviya_realtime_slow_closes_total") == before) {
                assertTrue(published < 20_000, "still not closed after " + published + " events of 16 KB");
                for (int i = 0; i < 50; i++) {
                    announce(alice, conversation, ChatEvent.newBuilder().setSeq(++published)
                            .setMessageCreated(message("m" + published, conversation, "assistant", text)).build());
                }
            }
            stalled.ws.resume();
            assertEquals(CloseCodes.TOO_SLOW, stalled.closeCode());
            assertEquals("too far behind; reconnect and reload", stalled.ws.closeReason());
            assertTrue(stalled.received() < published, "events past the bound were dropped, not buffered: "
                    + stalled.received() + " of " + published);
        }
    }

    @Test
    void openSocketsAreAGauge() {
        String alice = user();
        try (TestSocket phone = TestSocket.withSubprotocol(vertx, base, token(alice));
                TestSocket laptop = TestSocket.withQuery(vertx, base, token(alice))) {
            opened(2);
            assertEquals(2.0, metric("oviya_realtime_connections"), "gauge exported");
            assertEquals(1.0, metric("oviya_realtime_subscribed"), "the Redis subscription is up");
        }
        opened(0);
        assertEquals(0.0, metric("oviya_realtime_connections"), "closed sockets are no longer counted");
    }

    @Test
    void theOpenApiDocumentDescribesTheSocket() {
        String doc = given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
        JsonObject realtime = new JsonObject(doc).getJsonObject("paths").getJsonObject("/v1/realtime");
        assertTrue(realtime != null && realtime.getJsonObject("get").getJsonObject("responses").containsKey("101"), doc);
        assertTrue(new JsonObject(doc).getJsonObject("paths").size() > 1, "merged with the REST resources");
    }

    static double metric(String name) {
        String body = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(body);
        assertTrue(m.find(), name + " not in /q/metrics");
        return Double.parseDouble(m.group(2));
    }
}
