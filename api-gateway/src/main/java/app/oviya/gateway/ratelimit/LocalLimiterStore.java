package app.oviya.gateway.ratelimit;

import io.smallrye.mutiny.Uni;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The same algorithm as {@link RedisLimiterStore#SCRIPT}, in this process's memory. Used only
 * while Redis is unreachable: each replica then limits on its own, so a user may get up to
 * (replicas x limit) until Redis is back. Entries expire like their Redis keys.
 */
public final class LocalLimiterStore implements LimiterStore {

    private static final int SWEEP_THRESHOLD = 100_000;

    private record Entry(long value, long expiresAtMs) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    @Override
    public Uni<Outcome> decide(String rateKey, String dayKey, long intervalMs, int burst, long dayLimit, long dayTtlSeconds,
            boolean countDay, long nowMs) {
        return Uni.createFrom().item(() -> decideNow(rateKey, dayKey, intervalMs, burst, dayLimit, dayTtlSeconds, countDay, nowMs));
    }

    synchronized Outcome decideNow(String rateKey, String dayKey, long intervalMs, int burst, long dayLimit, long dayTtlSeconds,
            boolean countDay, long now) {
        if (entries.size() > SWEEP_THRESHOLD) {
            entries.values().removeIf(e -> e.expiresAtMs() <= now);
        }
        long window = intervalMs * burst;
        long tat = Math.max(value(rateKey, now, now), now);
        long newTat = tat + intervalMs;
        long used = countDay ? value(dayKey, 0, now) : 0;
        if (newTat - now > window) {
            return new Outcome(false, 1, 0, newTat - now - window, tat - now, used);
        }
        if (countDay && dayLimit >= 0 && used >= dayLimit) {
            return new Outcome(false, 2, (window - (tat - now)) / intervalMs, 0, tat - now, used);
        }
        entries.put(rateKey, new Entry(newTat, newTat));
        if (countDay) {
            used++;
            Entry old = entries.get(dayKey);
            entries.put(dayKey, new Entry(used, old != null && old.expiresAtMs() > now ? old.expiresAtMs() : now + dayTtlSeconds * 1000));
        }
        return new Outcome(true, 0, (window - (newTat - now)) / intervalMs, 0, newTat - now, used);
    }

    @Override
    public Uni<Long> dayCount(String dayKey) {
        return Uni.createFrom().item(() -> value(dayKey, 0, System.currentTimeMillis()));
    }

    @Override
    public Uni<Void> delete(String... keys) {
        for (String k : keys) {
            entries.remove(k);
        }
        return Uni.createFrom().voidItem();
    }

    private long value(String key, long absent, long now) {
        Entry e = entries.get(key);
        return e == null || e.expiresAtMs() <= now ? absent : e.value();
    }
}
