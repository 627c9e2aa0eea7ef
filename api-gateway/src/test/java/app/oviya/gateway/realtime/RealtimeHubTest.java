package app.oviya.gateway.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.chat.v1.ChatEvent;
import app.oviya.chat.v1.Message;
import app.oviya.gateway.config.RealtimeConfig;
import app.oviya.gateway.security.Caller;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hub without Quarkus, against the real Redis (REDIS_URL) with its own channel prefix: two hubs
 * on one Redis stand for two gateway replicas; a Redis on a closed port, or behind a proxy that
 * goes away and comes back, stands for a Redis outage.
 */
class RealtimeHubTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final String PREFIX = "test:rt:" + UUID.randomUUID() + ":";
    static final String REDIS_URL = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
    static Vertx vertx;
    static io.vertx.mutiny.core.Vertx mutinyVertx;
    static Redis redis;
    final List<RealtimeHub> hubs = new ArrayList<>();

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        mutinyVertx = new io.vertx.mutiny.core.Vertx(vertx);
        redis = Redis.createClient(mutinyVertx, REDIS_URL);
    }

    @AfterEach
    void stopHubs() {
        hubs.forEach(RealtimeHub::stop);
    }

    @AfterAll
    static void stop() {
        redis.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    static RealtimeConfig config(Duration deadPeerTimeout) {
        return new RealtimeConfig() {
            @Override
            public String channelPrefix() {
                return PREFIX;
            }

            @Override
            public int maxFrameBytes() {
                return 4096;
            }

            @Override
            public int maxPendingFrames() {
                return 1000;
            }

            @Override
            public Duration deadPeerTimeout() {
                return deadPeerTimeout;
            }

            @Override
            public Duration sessionExpiringNotice() {
                return Duration.ofSeconds(60);
            }

            @Override
            public Duration redisRetryInterval() {
                return Duration.ofMillis(200);
            }

            @Override
            public int ownedConversationsRemembered() {
                return 8;
            }
        };
    }

    RealtimeHub hub(String redisUrl) {
        return hub(redisUrl, Duration.ofMinutes(5));
    }

    RealtimeHub hub(String redisUrl, Duration deadPeerTimeout) {
        RealtimeHub hub = new RealtimeHub(Redis.createClient(mutinyVertx, redisUrl), vertx, config(deadPeerTimeout), new ObjectMapper(),
                new SimpleMeterRegistry());
        hubs.add(hub);
        return hub;
    }

    static Caller caller(String user) {
        return new Caller(user, "free", System.currentTimeMillis() / 1000 + 900);
    }

    static final class FakePeer implements Peer {
        final String id = UUID.randomUUID().toString();
        final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();

        @Override
        public String id() {
            return id;
        }

        @Override
        public void send(String frame) {
            frames.add(new JsonObject(frame));
        }

        @Override
        public void close(int code, String reason) {
            closed.complete(code);
        }

        JsonObject next() throws InterruptedException {
            JsonObject f = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(f, "no frame within " + WAIT);
            return f;
        }
    }

    static long subscribers(String user) {
        return redis.send(Request.cmd(Command.PUBSUB).arg("NUMSUB").arg(PREFIX + user)).await().atMost(WAIT).get(1).toLong();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    /** What chat-service publishes (ReplyStreams.announce); returns how many instances received it. */
    static long announce(String user, String conversationId, String messageId) {
        ChatEvent event = ChatEvent.newBuilder().setSeq(1).setMessageCreated(Message.newBuilder().setId(messageId)
                .setConversationId(conversationId).setRole("assistant").setContent("hi").setStatus("complete")
                .setCreatedAt("2026-01-01T00:00:00Z")).build();
        String json = new JsonObject().put("conversationId", conversationId)
                .put("event", Base64.getEncoder().encodeToString(event.toByteArray())).encode();
        return redis.send(Request.cmd(Command.PUBLISH).arg(PREFIX + user).arg(json)).await().atMost(WAIT).toLong();
    }

    static String messageId(JsonObject frame) {
        return frame.getJsonObject("message", new JsonObject()).getString("id");
    }

    @Test
    void twoReplicasShareEventsAndTypingThroughOneSubscriptionEach() throws Exception {
        RealtimeHub a = hub(REDIS_URL);
        RealtimeHub b = hub(REDIS_URL);
        String user = UUID.randomUUID().toString();
        String stranger = UUID.randomUUID().toString();
        String c = UUID.randomUUID().toString();
        FakePeer onA = new FakePeer();
        FakePeer onB1 = new FakePeer();
        FakePeer onB2 = new FakePeer();
        FakePeer strangerOnB = new FakePeer();
        Session sA = a.open(onA, caller(user));
        Session sB1 = b.open(onB1, caller(user));
        b.open(onB2, caller(user));
        b.open(strangerOnB, caller(stranger));
        await("both replicas subscribed", () -> subscribers(user) == 2);
        assertEquals(2, subscribers(user), "one subscription per replica, not one per socket");
        assertEquals(3, b.openSockets());

        a.relayTyping(sA, c, "start").await().atMost(WAIT);
        for (FakePeer p : List.of(onB1, onB2)) {
            assertEquals(new JsonObject().put("type", "typing").put("conversationId", c).put("from", "user").put("state", "start"), p.next(),
                    "from the other replica, through Redis");
        }
        b.relayTyping(sB1, c, "stop").await().atMost(WAIT);
        assertEquals("stop", onB2.next().getString("state"), "same replica");
        assertEquals("stop", onA.next().getString("state"), "other replica, and A's own start never came back to it");

        assertEquals(2, announce(user, c, "m1"), "chat-service's event reaches both replicas");
        for (FakePeer p : List.of(onA, onB1, onB2)) {
            assertEquals("m1", messageId(p.next()));
        }
        assertNull(onB1.frames.poll(), "B1's own stop was not echoed");

        assertEquals(1, announce(stranger, UUID.randomUUID().toString(), "marker"));
        assertEquals("marker", messageId(strangerOnB.next()), "the stranger got nothing of the user's");

        b.closed(onB1.id);
        assertEquals(2, subscribers(user), "B keeps the channel while the user has a socket there");
        b.closed(onB2.id);
        await("B unsubscribed after the user's last socket there", () -> subscribers(user) == 1);
        assertEquals(1, announce(user, c, "m2"));
        assertEquals("m2", messageId(onA.next()));
        assertTrue(onB1.frames.isEmpty() && onB2.frames.isEmpty());
    }

    @Test
    void withRedisDownSocketsOpenAndTypingReachesTheSocketsOfTheSameReplica() throws Exception {
        // Nothing listens on port 1: like a Redis that is down.
        RealtimeHub down = hub("redis://127.0.0.1:1");
        String user = UUID.randomUUID().toString();
        FakePeer phone = new FakePeer();
        FakePeer laptop = new FakePeer();
        Session sPhone = down.open(phone, caller(user));
        down.open(laptop, caller(user));
        assertEquals(2, down.openSockets());
        assertFalse(down.subscribed());

        down.relayTyping(sPhone, "c1", "start").await().atMost(WAIT);
        assertEquals("start", laptop.next().getString("state"));
        assertNull(phone.frames.poll(200, TimeUnit.MILLISECONDS));
        assertFalse(phone.closed.isDone(), "the socket stays open");
        down.closed(phone.id);
        down.closed(laptop.id);
        assertEquals(0, down.openSockets());
    }

    @Test
    void afterARedisOutageTheSubscriptionComesBackForTheOpenSockets() throws Exception {
        URI target = URI.create(REDIS_URL);
        RedisProxy proxy = new RedisProxy(target.getHost(), target.getPort() == -1 ? 6379 : target.getPort());
        int port = proxy.start(0);
        try {
            RealtimeHub hub = hub("redis://127.0.0.1:" + port);
            String user = UUID.randomUUID().toString();
            FakePeer phone = new FakePeer();
            hub.open(phone, caller(user));
            await("subscribed", () -> subscribers(user) == 1);

            proxy.stop();
            await("the hub noticed the outage", () -> !hub.subscribed());
            assertEquals(0, announce(user, "c", "lost"), "published while the subscription is down: nobody hears it");

            proxy.start(port);
            await("subscribed again", () -> subscribers(user) == 1);
            assertEquals(1, announce(user, "c", "after"));
            assertEquals("after", messageId(phone.next()), "events flow again; the one sent meanwhile is lost");
            assertFalse(phone.closed.isDone());
        } finally {
            proxy.stop();
        }
    }

    @Test
    void aPeerThatAnswersNoPingIsClosed() throws Exception {
        RealtimeHub hub = hub(REDIS_URL, Duration.ofMillis(400));
        FakePeer dead = new FakePeer();
        FakePeer alive = new FakePeer();
        hub.open(dead, caller(UUID.randomUUID().toString()));
        Session live = hub.open(alive, caller(UUID.randomUUID().toString()));
        long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
        while (System.nanoTime() < until) {
            live.seen();
            Thread.sleep(50);
        }
        assertEquals(CloseCodes.PING_TIMEOUT, dead.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertFalse(alive.closed.isDone(), "a peer that answers pings stays");
        assertEquals(1, hub.openSockets());
    }

    @Test
    void aSocketIsToldBeforeItsTokenExpiresAndClosedWith4001When() throws Exception {
        RealtimeHub hub = hub(REDIS_URL);
        FakePeer phone = new FakePeer();
        hub.open(phone, new Caller(UUID.randomUUID().toString(), "free", System.currentTimeMillis() / 1000 + 2));
        assertEquals("session.expiring", phone.next().getString("type"), "less than the notice left: told at once");
        assertEquals(CloseCodes.TOKEN_EXPIRED, phone.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    }

    /** A TCP proxy to Redis that can go away (dropping its connections) and come back on the same port. */
    static final class RedisProxy {
        private final String host;
        private final int port;
        private final List<NetSocket> sockets = new CopyOnWriteArrayList<>();
        private NetServer server;

        RedisProxy(String host, int port) {
            this.host = host;
            this.port = port;
        }

        int start(int listenPort) {
            server = vertx.createNetServer().connectHandler(client -> {
                client.pause();
                sockets.add(client);
                vertx.createNetClient().connect(port, host).onSuccess(upstream -> {
                    sockets.add(upstream);
                    client.handler(upstream::write);
                    upstream.handler(client::write);
                    client.closeHandler(v -> upstream.close());
                    upstream.closeHandler(v -> client.close());
                    client.resume();
                }).onFailure(t -> client.close());
            });
            return server.listen(listenPort, "127.0.0.1").toCompletionStage().toCompletableFuture().join().actualPort();
        }

        void stop() {
            if (server != null) {
                server.close().toCompletionStage().toCompletableFuture().join();
                server = null;
            }
            sockets.forEach(NetSocket::close);
            sockets.clear();
        }
    }
}
