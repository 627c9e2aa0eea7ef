package app.oviya.chat.service;

import app.oviya.chat.config.ChatConfig;
import app.oviya.chat.v1.ChatError;
import app.oviya.chat.v1.ChatEvent;
import app.oviya.common.concurrent.Offload;
import app.oviya.common.error.ErrorCode;
import com.google.protobuf.InvalidProtocolBufferException;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The events of each reply being generated, in a Redis stream (key per reply id), so that a
 * duplicate send (same Idempotency-Key) or a resumed SSE connection re-attaches to the reply in
 * progress, on any chat-service replica, instead of asking the AI again. One generator per reply
 * holds a lock; everyone else tails the stream. Redis trouble degrades to "no re-attach", never
 * to a failed reply.
 */
@ApplicationScoped
public class ReplyStreams {

    private static final Logger LOG = Logger.getLogger(ReplyStreams.class);
    static final String STREAM = "oviya:chat:reply:";
    static final String LOCK = "oviya:chat:replylock:";
    static final String OWNER = "oviya:chat:replyowner:";
    static final Duration POLL = Duration.ofMillis(20);
    /** How long a finished reply's events stay replayable from Redis (afterwards: from the database). */
    static final Duration KEEP = Duration.ofMinutes(15);
    private static final List<ChatEvent> END = List.of();

    private final ReactiveRedisDataSource redis;
    private final ChatConfig config;

    public ReplyStreams(ReactiveRedisDataSource redis, ChatConfig config) {
        this.redis = redis;
        this.config = config;
    }

    private long lockMillis() {
        return Math.max(config.replyIdleTimeout().toMillis() * 2, 10_000);
    }

    /** True when this caller is now the reply's only generator (also when Redis is unavailable). */
    public Uni<Boolean> tryGenerate(UUID replyId, UUID userId, UUID conversationId) {
        return here(redis.execute("SET", LOCK + replyId, "1", "NX", "PX", Long.toString(lockMillis()))
                .chain(r -> r == null ? Uni.createFrom().item(false)
                        // A fresh generation (e.g. the retry after a failed one) starts a fresh stream.
                        : redis.execute("DEL", STREAM + replyId)
                                .chain(() -> redis.execute("SET", OWNER + replyId, userId + "|" + conversationId, "PX",
                                        Long.toString(KEEP.toMillis())))
                                .replaceWith(true)))
                .onFailure().recoverWithItem(t -> {
                    LOG.warnf("Reply streams unavailable (%s): generating without re-attach", t.toString());
                    return true;
                });
    }

    public Uni<Void> release(UUID replyId) {
        return here(redis.execute("DEL", LOCK + replyId)).replaceWithVoid().onFailure().recoverWithNull();
    }

    /** Appends one event; keeps the generator's lock alive. Never fails. */
    public Uni<Void> publish(UUID replyId, ChatEvent event) {
        String key = STREAM + replyId;
        String data = Base64.getEncoder().encodeToString(event.toByteArray());
        return here(redis.execute("XADD", key, "*", "e", data)
                .chain(() -> redis.execute("PEXPIRE", key, Long.toString(KEEP.toMillis())))
                .chain(() -> redis.execute("PEXPIRE", LOCK + replyId, Long.toString(lockMillis()))))
                .replaceWithVoid()
                .onFailure().recoverWithNull();
    }

    /**
     * Publishes a generator's events in order without holding up its stream: waiting for Redis
     * between events would slow the demand, and a failure of the AI stream then overtakes deltas
     * still queued (the partial reply would lose them).
     */
    public final class Outbox {
        private final UUID replyId;
        private final String realtimeChannel;
        private final String conversationId;
        private CompletableFuture<Void> last = CompletableFuture.completedFuture(null);

        Outbox(UUID replyId, UUID userId, UUID conversationId) {
            this.replyId = replyId;
            this.realtimeChannel = realtimeChannel(userId);
            this.conversationId = conversationId.toString();
        }

        public synchronized void add(ChatEvent event) {
            last = last.thenCompose(ignored -> publish(replyId, event)
                    .chain(() -> announce(realtimeChannel, conversationId, event))
                    .subscribeAsCompletionStage());
        }

        /** Completes when every event added so far is published (or given up on). */
        public synchronized Uni<Void> drained() {
            return Uni.createFrom().completionStage(last);
        }
    }

    public Outbox outbox(UUID replyId, UUID userId, UUID conversationId) {
        return new Outbox(replyId, userId, conversationId);
    }

    /**
     * The Redis pub/sub channel of one user's live events, for every gateway replica that holds a
     * WebSocket of that user. Messages are JSON: {"conversationId": "...", "event": base64 of the
     * ChatEvent protobuf}.
     */
    public static String realtimeChannel(UUID userId) {
        return "oviya:realtime:user:" + userId;
    }

    private Uni<Void> announce(String channel, String conversationId, ChatEvent event) {
        String json = new io.vertx.core.json.JsonObject().put("conversationId", conversationId)
                .put("event", Base64.getEncoder().encodeToString(event.toByteArray())).encode();
        return redis.execute("PUBLISH", channel, json).replaceWithVoid().onFailure().recoverWithNull();
    }

    /** "user|conversation" of a reply that has (or had) a stream, or null. */
    public Uni<String> owner(UUID replyId) {
        return here(redis.execute("GET", OWNER + replyId)).map(r -> r == null ? null : r.toString())
                .onFailure().recoverWithNull();
    }

    public Uni<Boolean> exists(UUID replyId) {
        return here(redis.execute("EXISTS", STREAM + replyId)).map(r -> r != null && r.toLong() > 0)
                .onFailure().recoverWithItem(false);
    }

    /**
     * The events with seq greater than {@code afterSeq}, then whatever follows as it is published,
     * until the reply completes or fails. If the generator disappears without finishing (its lock
     * expires), ends with a retryable error.
     */
    public Multi<ChatEvent> tail(UUID replyId, long afterSeq) {
        String key = STREAM + replyId;
        AtomicReference<String> position = new AtomicReference<>("-");
        AtomicBoolean finished = new AtomicBoolean();
        AtomicLong lastSeq = new AtomicLong(afterSeq);
        AtomicLong emptyPolls = new AtomicLong();
        AtomicBoolean generatorGone = new AtomicBoolean();
        Context context = Vertx.currentContext();
        Multi<List<ChatEvent>> batches = Multi.createBy().repeating().uni(() -> {
            if (finished.get()) {
                return Uni.createFrom().item(END);
            }
            String from = position.get().equals("-") ? "-" : "(" + position.get();
            return redis.execute("XRANGE", key, from, "+", "COUNT", "200").chain(r -> {
                List<ChatEvent> out = new ArrayList<>();
                if (r != null) {
                    for (Response entry : r) {
                        position.set(entry.get(0).toString());
                        ChatEvent e = decode(entry.get(1).get(1).toString());
                        if (e != null && e.getSeq() > lastSeq.get()) {
                            lastSeq.set(e.getSeq());
                            out.add(e);
                        }
                        if (e != null && (e.hasReplyCompleted() || e.hasError())) {
                            finished.set(true);
                        }
                    }
                }
                if (!out.isEmpty() || finished.get()) {
                    emptyPolls.set(0);
                    return Uni.createFrom().item(out);
                }
                // Nothing new. The generator gone (lock expired or released) and still nothing after one more
                // look means it died mid-reply; anyone still generating is checked about every half second.
                if (generatorGone.get()) {
                    finished.set(true);
                    return Uni.createFrom().item(List.of(ChatEvent.newBuilder().setSeq(lastSeq.incrementAndGet())
                            .setError(ChatError.newBuilder().setCode(ErrorCode.UNAVAILABLE.code())
                                    .setDetail("the reply was interrupted; please retry").setRetryable(true)).build()));
                }
                if (emptyPolls.incrementAndGet() % 25 != 0) {
                    return Uni.createFrom().item(out).onItem().delayIt().by(POLL);
                }
                return redis.execute("EXISTS", LOCK + replyId).map(l -> {
                    if (l == null || l.toLong() == 0) {
                        generatorGone.set(true);
                    }
                    return out;
                });
            });
        }).until(batch -> batch == END);
        Multi<ChatEvent> events = batches.onItem().transformToIterable(b -> b);
        return context == null ? events : events.emitOn(Offload.backTo(context));
    }

    private static ChatEvent decode(String data) {
        try {
            return ChatEvent.parseFrom(Base64.getDecoder().decode(data));
        } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
            return null;
        }
    }

    private static <T> Uni<T> here(Uni<T> call) {
        Context context = Vertx.currentContext();
        return context == null ? call : call.emitOn(Offload.backTo(context));
    }
}
