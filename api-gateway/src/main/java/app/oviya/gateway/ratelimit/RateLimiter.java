package app.oviya.gateway.ratelimit;

import app.oviya.common.error.ErrorCode;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Rate-limit decisions: Redis when it answers (shared by all replicas), this process's memory
 * when it does not. Daily quotas reset at midnight UTC, the same instant for every user.
 * Not a CDI bean itself ({@link RateLimits} owns the configured one) so tests and benchmarks can
 * run several against one Redis, like several gateway replicas.
 */
public final class RateLimiter {

    private static final Logger LOG = Logger.getLogger(RateLimiter.class);
    static final long DAY_SECONDS = 86_400;

    /** A plan's message limits; {@code perDay} negative means unlimited. */
    public record Limits(int perMinute, long perDay) {

        public boolean dailyLimited() {
            return perDay >= 0;
        }
    }

    /**
     * The answer, with the IETF RateLimit-Policy / RateLimit header values describing it.
     * {@code deniedBy} is null when allowed.
     */
    public record Decision(boolean allowed, ErrorCode deniedBy, long retryAfterSeconds, String policy, String rateLimit) {
    }

    /** Today's use of the daily quota; {@code limit} and {@code remaining} are null when unlimited. */
    public record Usage(String date, long messagesToday, Long limit, Long remaining, String resetsAt) {
    }

    private final RedisLimiterStore redis;
    private final LocalLimiterStore local = new LocalLimiterStore();
    private final String prefix;
    private final long redisRetryNanos;
    private final Clock clock;
    private final AtomicLong redisDownUntil = new AtomicLong(System.nanoTime());
    private volatile boolean degraded;

    /** {@code redis} answers within its own timeout; after a failure it is left alone for {@code redisRetryAfter}. */
    public RateLimiter(RedisLimiterStore redis, String prefix, Duration redisRetryAfter, Clock clock) {
        this.redis = redis;
        this.prefix = prefix;
        this.redisRetryNanos = redisRetryAfter.toNanos();
        this.clock = clock;
    }

    /** One POST .../messages: the per-minute rate and, for limited plans, today's quota. */
    public Uni<Decision> message(String userId, Limits limits) {
        String rateKey = rateKey(userId);
        String dayKey = dayKey(userId, today());
        long interval = Math.max(1, 60_000L / Math.max(1, limits.perMinute()));
        long untilMidnight = secondsUntilMidnight();
        return decide(rateKey, dayKey, interval, limits.perMinute(), limits.perDay(), untilMidnight + 3600, true)
                .map(o -> {
                    String policy = "\"minute\";q=" + limits.perMinute() + ";w=60"
                            + (limits.dailyLimited() ? ", \"day\";q=" + limits.perDay() + ";w=" + DAY_SECONDS : "");
                    String state = "\"minute\";r=" + o.remaining() + ";t=" + ceilSeconds(o.resetMs())
                            + (limits.dailyLimited()
                                    ? ", \"day\";r=" + Math.max(0, limits.perDay() - o.dayUsed()) + ";t=" + untilMidnight
                                    : "");
                    return toDecision(o, untilMidnight, policy, state);
                });
    }

    /** One register or login attempt from a client address. */
    public Uni<Decision> authAttempt(String clientIp, int perMinute) {
        String key = prefix + "ip:{" + clientIp + "}:auth";
        long interval = Math.max(1, 60_000L / Math.max(1, perMinute));
        return decide(key, key, interval, perMinute, -1, 0, false).map(o -> toDecision(o, 0,
                "\"auth\";q=" + perMinute + ";w=60;pk=:ip:", "\"auth\";r=" + o.remaining() + ";t=" + ceilSeconds(o.resetMs())));
    }

    /** What GET /v1/me shows: today's count and what is left of the quota. */
    public Uni<Usage> usage(String userId, Limits limits) {
        LocalDate today = today();
        String dayKey = dayKey(userId, today);
        Uni<Long> count = useRedis()
                ? redis.dayCount(dayKey)
                        .onFailure().recoverWithUni(t -> {
                            redisFailed(t);
                            return local.dayCount(dayKey);
                        })
                : local.dayCount(dayKey);
        String resetsAt = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString();
        return count.map(used -> new Usage(today.toString(), used,
                limits.dailyLimited() ? limits.perDay() : null,
                limits.dailyLimited() ? Math.max(0, limits.perDay() - used) : null,
                resetsAt));
    }

    /** Forgets a user's counters (account deletion); fails when Redis cannot be reached. */
    public Uni<Void> forget(String userId) {
        LocalDate today = today();
        String[] keys = {rateKey(userId), dayKey(userId, today), dayKey(userId, today.minusDays(1)), dayKey(userId, today.plusDays(1))};
        return local.delete(keys).chain(() -> redis == null ? Uni.createFrom().voidItem() : redis.delete(keys));
    }

    /** True while decisions are taken locally because Redis is unreachable. */
    public boolean degraded() {
        return degraded;
    }

    /** Asks Redis whether it is back (readiness does this), without waiting for traffic. */
    public Uni<Boolean> probe() {
        if (redis == null) {
            return Uni.createFrom().item(false);
        }
        return redis.dayCount(prefix + "probe")
                .map(x -> {
                    redisRecovered();
                    return true;
                })
                .onFailure().recoverWithItem(t -> {
                    redisFailed(t);
                    return false;
                });
    }

    private Uni<LimiterStore.Outcome> decide(String rateKey, String dayKey, long intervalMs, int burst, long dayLimit, long dayTtl,
            boolean countDay) {
        long now = clock.millis();
        if (!useRedis()) {
            return local.decide(rateKey, dayKey, intervalMs, burst, dayLimit, dayTtl, countDay, now);
        }
        return redis.decide(rateKey, dayKey, intervalMs, burst, dayLimit, dayTtl, countDay, now)
                .invoke(this::redisRecovered)
                .onFailure().recoverWithUni(t -> {
                    redisFailed(t);
                    return local.decide(rateKey, dayKey, intervalMs, burst, dayLimit, dayTtl, countDay, clock.millis());
                });
    }

    private boolean useRedis() {
        return redis != null && System.nanoTime() - redisDownUntil.get() >= 0;
    }

    private void redisFailed(Throwable t) {
        redisDownUntil.set(System.nanoTime() + redisRetryNanos);
        redis.reset();
        if (!degraded) {
            degraded = true;
            LOG.warnf("Redis unreachable (%s): rate limits are enforced per replica until it is back", t.toString());
        }
    }

    private void redisRecovered() {
        if (degraded) {
            redisDownUntil.set(System.nanoTime());
            degraded = false;
            LOG.info("Redis reachable again: rate limits are shared across replicas again");
        }
    }

    private static Decision toDecision(LimiterStore.Outcome o, long untilMidnight, String policy, String state) {
        if (o.allowed()) {
            return new Decision(true, null, 0, policy, state);
        }
        return o.reason() == 2
                ? new Decision(false, ErrorCode.DAILY_QUOTA_EXCEEDED, Math.max(1, untilMidnight), policy, state)
                : new Decision(false, ErrorCode.RATE_LIMITED, Math.max(1, ceilSeconds(o.retryAfterMs())), policy, state);
    }

    private String rateKey(String userId) {
        return prefix + "{" + userId + "}:msg";
    }

    private String dayKey(String userId, LocalDate day) {
        return prefix + "{" + userId + "}:day:" + day;
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private long secondsUntilMidnight() {
        Instant now = clock.instant();
        Instant midnight = today().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        return Math.max(1, Duration.between(now, midnight).toSeconds());
    }

    private static long ceilSeconds(long ms) {
        return (ms + 999) / 1000;
    }
}
