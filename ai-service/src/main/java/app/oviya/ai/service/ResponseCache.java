package app.oviya.ai.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Replies to repeatable, non-personal turns (greetings and conversation openers) kept in Redis, so the
 * provider is not paid again for "hi" or "good morning". A turn is cacheable only when nothing personal
 * goes into the prompt: no earlier context, no memories, no name, no custom persona, no crisis risk, and
 * a short message. The key is the normalised message plus the detected emotion, persona version and
 * model. Hits and misses are counted ({@code oviya_ai_response_cache}) and the hit rate is a gauge.
 * Redis down means: bypass, never fail the turn.
 */
public class ResponseCache {

    private static final Logger LOG = Logger.getLogger(ResponseCache.class);
    static final int MAX_CACHEABLE_CHARS = 60;

    public record Entry(String text, String model) {
    }

    private final ReactiveRedisDataSource redis;
    private final String prefix;
    private final Duration ttl;
    private final MeterRegistry metrics;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    public ResponseCache(ReactiveRedisDataSource redis, String prefix, Duration ttl, MeterRegistry metrics) {
        this.redis = redis;
        this.prefix = prefix;
        this.ttl = ttl;
        this.metrics = metrics;
        if (metrics != null) {
            metrics.gauge("oviya_ai_response_cache_hit_rate", this, ResponseCache::hitRate);
        }
    }

    /** The normalised message when the turn is cacheable, else null. */
    public static String cacheableText(String message, boolean hasContext, boolean hasMemories, boolean hasName,
            boolean hasCustomPersona, boolean highRisk) {
        if (hasContext || hasMemories || hasName || hasCustomPersona || highRisk || message == null) {
            return null;
        }
        String n = message.toLowerCase(Locale.ROOT).replace('’', '\'')
                .replaceAll("[^\\p{L}\\p{N}' ]+", " ").replaceAll("\\s+", " ").strip();
        if (n.isEmpty() || n.length() > MAX_CACHEABLE_CHARS) {
            return null;
        }
        return n;
    }

    public String key(String normalised, String emotion, String personaVersion, String provider, String model) {
        String material = String.join("\u0000", normalised, emotion, personaVersion, provider, model);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
            return prefix + ":" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Uni<Entry> get(String key) {
        return redis.execute("HMGET", key, "text", "model")
                .map(r -> {
                    if (r == null || r.size() < 2 || r.get(0) == null) {
                        return null;
                    }
                    return new Entry(r.get(0).toString(), r.get(1) == null ? "" : r.get(1).toString());
                })
                .onFailure().recoverWithItem(err -> {
                    LOG.debugf("response cache unavailable: %s", err.toString());
                    return null;
                })
                .invoke(e -> {
                    (e == null ? misses : hits).incrementAndGet();
                    count(e == null ? "miss" : "hit");
                });
    }

    public Uni<Void> put(String key, Entry entry) {
        return redis.execute("HSET", key, "text", entry.text(), "model", entry.model())
                .chain(() -> redis.execute("PEXPIRE", key, Long.toString(ttl.toMillis())))
                .replaceWithVoid()
                .onFailure().recoverWithNull();
    }

    public double hitRate() {
        long h = hits.get();
        long total = h + misses.get();
        return total == 0 ? 0 : (double) h / total;
    }

    private void count(String result) {
        if (metrics != null) {
            metrics.counter("oviya_ai_response_cache", "result", result).increment();
        }
    }
}
