package app.oviya.chat.service;

import app.oviya.chat.config.ChatConfig;
import app.oviya.chat.repository.MessageEntity;
import app.oviya.common.concurrent.Offload;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The recent window of each conversation in a Redis list (oldest first), so a turn's context does
 * not cost a database query. Only appended to while the list exists (RPUSHX): a miss loads the
 * window from the database and writes it whole. Redis trouble is never an error, only a miss.
 * Metrics: oviya_chat_context_cache_total{result=hit|miss|error} and the ratio gauge
 * oviya_chat_context_cache_hit_ratio (the roadmap's gate: above 0.6 on normal use).
 */
@ApplicationScoped
public class ContextCache {

    private static final Logger LOG = Logger.getLogger(ContextCache.class);
    static final String PREFIX = "oviya:chat:ctx:";

    private final ReactiveRedisDataSource redis;
    private final ChatConfig config;
    private final Counter hits;
    private final Counter misses;
    private final Counter errors;
    private final AtomicLong hitCount = new AtomicLong();
    private final AtomicLong lookupCount = new AtomicLong();

    public ContextCache(ReactiveRedisDataSource redis, ChatConfig config, MeterRegistry registry) {
        this.redis = redis;
        this.config = config;
        this.hits = Counter.builder("oviya.chat.context.cache").tag("result", "hit")
                .description("Context lookups served from the recent-window cache").register(registry);
        this.misses = Counter.builder("oviya.chat.context.cache").tag("result", "miss")
                .description("Context lookups that went to the database").register(registry);
        this.errors = Counter.builder("oviya.chat.context.cache").tag("result", "error")
                .description("Context lookups that found Redis failing (served from the database)").register(registry);
        registry.gauge("oviya.chat.context.cache.hit.ratio", this,
                c -> c.lookupCount.get() == 0 ? 0 : (double) c.hitCount.get() / c.lookupCount.get());
    }

    static String key(UUID conversationId) {
        return PREFIX + conversationId;
    }

    /** How many messages the list keeps: the context window plus the message being answered. */
    int capacity() {
        return config.contextWindow() + 1;
    }

    /**
     * The newest messages of the conversation, newest first (like MessageRepository.newest), from the
     * cache or else from {@code database}, which then fills the cache.
     */
    public Uni<List<MessageEntity>> newest(UUID conversationId, Supplier<Uni<List<MessageEntity>>> database) {
        lookupCount.incrementAndGet();
        return here(redis.execute("LRANGE", key(conversationId), "0", "-1"))
                .onFailure().recoverWithItem(t -> {
                    errors.increment();
                    LOG.debugf("Context cache unavailable (%s); reading the database", t.toString());
                    return null;
                })
                .chain(r -> {
                    if (r != null && r.size() > 0) {
                        hits.increment();
                        hitCount.incrementAndGet();
                        List<MessageEntity> out = new ArrayList<>();
                        for (Response item : r) {
                            out.add(0, fromJson(item.toString()));
                        }
                        return Uni.createFrom().item(out);
                    }
                    misses.increment();
                    return database.get().call(rows -> fill(conversationId, rows));
                });
    }

    /** Appends a stored message to the cached window, if there is one. Never fails. */
    public Uni<Void> append(MessageEntity m) {
        String key = key(m.conversationId);
        return here(redis.execute("RPUSHX", key, toJson(m))
                .chain(r -> r != null && r.toLong() > 0
                        ? redis.execute("LTRIM", key, Integer.toString(-capacity()), "-1")
                                .chain(ignored -> redis.execute("EXPIRE", key, Long.toString(config.contextCacheTtl().toSeconds())))
                        : Uni.createFrom().nullItem()))
                .replaceWithVoid()
                .onFailure().recoverWithNull();
    }

    /** Redis answers on its own event loop; reactive database sessions must stay on the caller's context. */
    private static <T> Uni<T> here(Uni<T> call) {
        Context context = Vertx.currentContext();
        return context == null ? call : call.emitOn(Offload.backTo(context));
    }

    /** Forgets the cached windows of these conversations (deleted ones). Never fails. */
    public Uni<Void> evict(Collection<UUID> conversationIds) {
        if (conversationIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String[] keys = conversationIds.stream().map(ContextCache::key).toArray(String[]::new);
        return here(redis.execute("DEL", keys)).replaceWithVoid().onFailure().recoverWithNull();
    }

    private Uni<Void> fill(UUID conversationId, List<MessageEntity> newestFirst) {
        if (newestFirst.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String key = key(conversationId);
        List<String> args = new ArrayList<>();
        args.add(key);
        for (int i = Math.min(newestFirst.size(), capacity()) - 1; i >= 0; i--) {
            args.add(toJson(newestFirst.get(i)));
        }
        // Written whole in one MULTI so a concurrent RPUSHX cannot land between DEL and RPUSH.
        return here(redis.withTransaction(tx -> tx.execute("DEL", key)
                        .chain(() -> tx.execute("RPUSH", args.toArray(String[]::new)))
                        .chain(() -> tx.execute("EXPIRE", key, Long.toString(config.contextCacheTtl().toSeconds())))))
                .replaceWithVoid()
                .onFailure().recoverWithNull();
    }

    static String toJson(MessageEntity m) {
        return new JsonObject().put("id", m.id.toString()).put("role", m.role).put("content", m.content).put("status", m.status)
                .encode();
    }

    static MessageEntity fromJson(String json) {
        JsonObject o = new JsonObject(json);
        MessageEntity m = new MessageEntity();
        m.id = UUID.fromString(o.getString("id"));
        m.role = o.getString("role");
        m.content = o.getString("content");
        m.status = o.getString("status");
        return m;
    }
}
