package app.oviya.gateway.realtime;

import app.oviya.chat.v1.ChatEvent;
import app.oviya.gateway.config.RealtimeConfig;
import app.oviya.gateway.security.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.annotation.PreDestroy;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The open realtime sockets of this gateway instance and their one Redis subscription.
 *
 * <p>chat-service publishes every event of a user's conversations on the user's channel
 * ({@link RealtimeConfig#channelPrefix()} + user id). This instance holds ONE Redis connection in
 * subscribe mode, subscribed to the channels of the users that have a socket here: SUBSCRIBE on a
 * user's first socket, UNSUBSCRIBE after their last. Typing frames from a client go straight to
 * the user's other sockets here and are published on the same channel (marked with this
 * instance's id) for the user's sockets on other replicas.
 *
 * <p>Redis down: sockets still open; the subscription is retried every
 * {@link RealtimeConfig#redisRetryInterval()} and, once back, re-subscribes every channel. Events
 * published meanwhile are lost (pub/sub keeps nothing): clients reload a conversation over REST
 * after a reconnect. Typing then reaches only the sockets on the same instance.
 */
@ApplicationScoped
public class RealtimeHub {

    private static final Logger LOG = Logger.getLogger(RealtimeHub.class);
    static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(2);
    static final String TYPING_FROM_USER = "user";
    static final String TYPING_FROM_ASSISTANT = "assistant";

    private final Redis redis;
    private final Vertx vertx;
    private final RealtimeConfig config;
    private final ObjectMapper mapper;
    private final Frames frames;
    private final String instanceId = UUID.randomUUID().toString();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, Set<Session>> byUser = new ConcurrentHashMap<>();
    private final long deadPeerSweep;
    private final MeterRegistry registry;
    private final List<Gauge> gauges;

    // The subscription; guarded by this.
    private RedisConnection subscription;
    private boolean connecting;
    private long retryTimer = -1;
    private boolean outageLogged;
    private boolean stopped;

    public RealtimeHub(Redis redis, Vertx vertx, RealtimeConfig config, ObjectMapper mapper, MeterRegistry registry) {
        this.redis = redis;
        this.vertx = vertx;
        this.config = config;
        this.mapper = mapper;
        this.frames = new Frames(mapper);
        this.registry = registry;
        this.gauges = List.of(
                Gauge.builder("oviya.realtime.connections", sessions, Map::size)
                        .description("Open realtime WebSockets on this gateway instance").register(registry),
                Gauge.builder("oviya.realtime.subscribed", this, h -> h.subscribed() ? 1 : 0)
                        .description("1 while this instance's Redis subscription for realtime events is up").register(registry));
        long sweepMs = Math.max(100, config.deadPeerTimeout().toMillis() / 4);
        this.deadPeerSweep = vertx.setPeriodic(sweepMs, id -> closeDeadPeers());
    }

    /** Before Quarkus closes the Redis client and the HTTP server: tell clients to reconnect elsewhere. */
    void onShutdown(@Observes(notifyObserver = Reception.IF_EXISTS) ShutdownEvent event) {
        stop();
        for (Session s : sessions.values()) {
            s.close(CloseCodes.GOING_AWAY, "server shutting down; please reconnect");
        }
    }

    @PreDestroy
    synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        // The gauges hold this instance: a registry that outlives it (tests restart the app) must not keep them.
        gauges.forEach(registry::remove);
        vertx.cancelTimer(deadPeerSweep);
        if (retryTimer != -1) {
            vertx.cancelTimer(retryTimer);
        }
        if (subscription != null) {
            subscription.closeAndForget();
            subscription = null;
        }
    }

    Frames frames() {
        return frames;
    }

    Session session(String connectionId) {
        return sessions.get(connectionId);
    }

    int openSockets() {
        return sessions.size();
    }

    synchronized boolean subscribed() {
        return subscription != null;
    }

    String channel(String userId) {
        return config.channelPrefix() + userId;
    }

    /** A socket opened: closes it at its token's exp, and subscribes the user's channel on their first socket here. */
    Session open(Peer peer, Caller caller) {
        Session s = new Session(peer, caller, config.ownedConversationsRemembered());
        sessions.put(s.id(), s);
        long expiresAtMs = caller.expiresAtEpochSecond() * 1000;
        long left = expiresAtMs - System.currentTimeMillis();
        if (left <= config.sessionExpiringNotice().toMillis()) {
            s.send(frames.sessionExpiring(caller.expiresAtEpochSecond()));
        } else {
            s.noticeTimer = vertx.setTimer(left - config.sessionExpiringNotice().toMillis(),
                    id -> s.send(frames.sessionExpiring(caller.expiresAtEpochSecond())));
        }
        s.expiryTimer = vertx.setTimer(Math.max(1, left), id -> s.close(CloseCodes.TOKEN_EXPIRED, "token expired"));
        synchronized (this) {
            Set<Session> mine = byUser.computeIfAbsent(s.userId(), k -> ConcurrentHashMap.newKeySet());
            mine.add(s);
            if (mine.size() == 1) {
                if (subscription != null) {
                    command(subscription, Request.cmd(Command.SUBSCRIBE).arg(channel(s.userId())));
                } else {
                    connect();
                }
            }
        }
        return s;
    }

    /** A socket closed (for whatever reason): unsubscribes the user's channel after their last socket here. */
    void closed(String connectionId) {
        Session s = sessions.remove(connectionId);
        if (s == null) {
            return;
        }
        vertx.cancelTimer(s.expiryTimer);
        vertx.cancelTimer(s.noticeTimer);
        synchronized (this) {
            Set<Session> mine = byUser.get(s.userId());
            if (mine != null && mine.remove(s) && mine.isEmpty()) {
                byUser.remove(s.userId());
                if (subscription != null) {
                    command(subscription, Request.cmd(Command.UNSUBSCRIBE).arg(channel(s.userId())));
                }
            }
        }
    }

    /**
     * A client's typing state: to the user's other sockets here at once, and through Redis to those on
     * other instances. Never to the sender; a Redis failure only loses the other instances' copy.
     */
    Uni<Void> relayTyping(Session from, String conversationId, String state) {
        String frame = frames.typing(conversationId, TYPING_FROM_USER, state);
        for (Session s : byUser.getOrDefault(from.userId(), Set.of())) {
            if (s != from) {
                s.send(frame);
            }
        }
        String message = mapper.createObjectNode().put("conversationId", conversationId).put("typing", state)
                .put("origin", from.id()).put("instance", instanceId).toString();
        return redis.send(Request.cmd(Command.PUBLISH).arg(channel(from.userId())).arg(message))
                .ifNoItem().after(PUBLISH_TIMEOUT).fail()
                .replaceWithVoid()
                .onFailure().recoverWithItem(t -> {
                    LOG.debugf("realtime: typing not published to other instances: %s", t.toString());
                    return null;
                });
    }

    /** One message of a user's channel: a chat event (from chat-service) or a typing state (from a gateway). */
    void dispatch(String channel, String payload) {
        if (!channel.startsWith(config.channelPrefix())) {
            return;
        }
        Set<Session> targets = byUser.get(channel.substring(config.channelPrefix().length()));
        if (targets == null || targets.isEmpty()) {
            return;
        }
        JsonNode message;
        try {
            message = mapper.readTree(payload);
        } catch (Exception e) {
            LOG.debugf("realtime: unreadable message on %s", channel);
            return;
        }
        String conversationId = message.path("conversationId").asText("");
        if (conversationId.isEmpty()) {
            return;
        }
        if (message.hasNonNull("event")) {
            ChatEvent event;
            try {
                event = ChatEvent.parseFrom(Base64.getDecoder().decode(message.get("event").asText()));
            } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
                LOG.debugf("realtime: unreadable chat event on %s", channel);
                return;
            }
            String frame = frames.chatEvent(conversationId, event);
            if (frame == null) {
                return;
            }
            String start = frames.typing(conversationId, TYPING_FROM_ASSISTANT, "start");
            String stop = frames.typing(conversationId, TYPING_FROM_ASSISTANT, "stop");
            for (Session s : targets) {
                s.chatEvent(conversationId, event, frame, start, stop);
            }
        } else if (message.hasNonNull("typing") && !instanceId.equals(message.path("instance").asText())) {
            String state = message.get("typing").asText();
            if (!"start".equals(state) && !"stop".equals(state)) {
                return;
            }
            String origin = message.path("origin").asText("");
            String frame = frames.typing(conversationId, TYPING_FROM_USER, state);
            for (Session s : targets) {
                if (!s.id().equals(origin)) {
                    s.send(frame);
                }
            }
        }
    }

    /** Sockets that answered no ping and sent nothing for the dead-peer timeout are closed. */
    void closeDeadPeers() {
        long cutoff = System.nanoTime() - config.deadPeerTimeout().toNanos();
        for (Session s : sessions.values()) {
            if (s.lastSeenNanos() - cutoff < 0) {
                s.close(CloseCodes.PING_TIMEOUT, "ping timeout");
                closed(s.id());
            }
        }
    }

    // --- the subscription (all under this' lock) ---

    private void connect() {
        if (stopped || connecting || subscription != null || byUser.isEmpty()) {
            return;
        }
        connecting = true;
        redis.connect().subscribe().with(this::connected, this::connectFailed);
    }

    private synchronized void connected(RedisConnection conn) {
        connecting = false;
        if (stopped) {
            conn.closeAndForget();
            return;
        }
        subscription = conn;
        conn.handler(this::onPush);
        conn.exceptionHandler(t -> lost(conn, t));
        conn.endHandler(() -> lost(conn, null));
        if (outageLogged) {
            LOG.info("realtime: Redis subscription is back; live events flow again");
            outageLogged = false;
        }
        if (!byUser.isEmpty()) {
            Request subscribe = Request.cmd(Command.SUBSCRIBE);
            byUser.keySet().forEach(user -> subscribe.arg(channel(user)));
            command(conn, subscribe);
        }
    }

    private synchronized void connectFailed(Throwable t) {
        connecting = false;
        logOutage(t);
        retryLater();
    }

    private synchronized void lost(RedisConnection conn, Throwable t) {
        if (subscription != conn) {
            return;
        }
        subscription = null;
        conn.closeAndForget();
        logOutage(t);
        retryLater();
    }

    private void command(RedisConnection conn, Request request) {
        conn.send(request).subscribe().with(ok -> {
        }, t -> lost(conn, t));
    }

    private void retryLater() {
        if (stopped || retryTimer != -1) {
            return;
        }
        retryTimer = vertx.setTimer(config.redisRetryInterval().toMillis(), id -> {
            synchronized (this) {
                retryTimer = -1;
                connect();
            }
        });
    }

    private void logOutage(Throwable t) {
        if (!outageLogged) {
            outageLogged = true;
            LOG.warnf("realtime: no Redis subscription (%s); sockets stay open but get no live events until it is back",
                    t == null ? "connection closed" : t.toString());
        }
    }

    /** RESP3 push or RESP2 array: ["message", channel, payload]; subscribe confirmations are ignored. */
    private void onPush(Response r) {
        if (r != null && r.size() == 3 && "message".equals(r.get(0).toString())) {
            dispatch(r.get(1).toString(), r.get(2).toString());
        }
    }
}
