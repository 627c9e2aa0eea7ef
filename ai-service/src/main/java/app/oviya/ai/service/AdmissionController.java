package app.oviya.ai.service;

import app.oviya.common.error.ErrorCode;
import app.oviya.common.error.ServiceException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Admission control toward the LLM provider, shared by every ai-service replica through Redis: a
 * requests-per-window and a tokens-per-window budget, and one bounded wait queue ordered by plan
 * (premium, then pro, then free; first come first served within a plan).
 * <p>
 * One Lua script does everything atomically: it puts the caller in the queue (or answers "full"), and
 * admits it only when the budget has room <em>and</em> fewer callers are ahead of it than there is room,
 * so a free request cannot take the last slot from a waiting premium one. Waiters poll with jitter until
 * admitted or until their maximum wait, then get a clear {@code unavailable} with a retry hint. Keys share
 * one hash tag so the script also runs on Redis Cluster.
 * <p>
 * The token budget is charged with an estimate when a call is admitted (prompt estimate + max_tokens)
 * and corrected with the provider's real usage when the reply is done ({@link #settle}).
 * <p>
 * When Redis is down, a local in-process limiter takes over with this replica's share of the budgets
 * ({@link Limits#localShare()}, e.g. 1/3 with three replicas): no queue priority across replicas, but the
 * provider is still protected. {@link #redisDown()} feeds the readiness check (UP, degraded).
 */
public class AdmissionController {

    private static final Logger LOG = Logger.getLogger(AdmissionController.class);

    public record Limits(long requestsPerWindow, long tokensPerWindow, Duration window, int maxQueue, Duration maxWait,
            Duration pollInterval, double localShare) {

        public Limits(long requestsPerWindow, long tokensPerWindow, Duration window, int maxQueue, Duration maxWait,
                Duration pollInterval) {
            this(requestsPerWindow, tokensPerWindow, window, maxQueue, maxWait, pollInterval, DEFAULT_LOCAL_SHARE);
        }

        long localRequests() {
            return Math.max(1, (long) Math.floor(requestsPerWindow * localShare));
        }

        long localTokens() {
            return Math.max(1, (long) Math.floor(tokensPerWindow * localShare));
        }
    }

    /** One admitted call: where its tokens were charged and how many, so {@link #settle} can correct them. */
    public record Ticket(long window, long reservedTokens, boolean local) {
    }

    static final double DEFAULT_LOCAL_SHARE = 0.33;

    /** Adds the correction to a window's token count (never below 0) and keeps it alive for the window. */
    static final String SETTLE = """
            local v = redis.call('INCRBY', KEYS[1], ARGV[1])
            if v < 0 then redis.call('SET', KEYS[1], '0') v = 0 end
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return v
            """;

    static final String SCRIPT = """
            local queue, member = KEYS[3], ARGV[1]
            local now, stale = tonumber(ARGV[8]), tonumber(ARGV[9])
            -- forget waiters whose replica died (older than twice the maximum wait)
            local head = redis.call('ZRANGE', queue, 0, 19)
            for _, m in ipairs(head) do
              local arrival = tonumber(string.match(m, '^(%d+):'))
              if arrival and arrival < stale then redis.call('ZREM', queue, m) end
            end
            if not redis.call('ZSCORE', queue, member) then
              if redis.call('ZCARD', queue) >= tonumber(ARGV[7]) then return -2 end
              redis.call('ZADD', queue, ARGV[2], member)
            end
            redis.call('PEXPIRE', queue, ARGV[6] * 4)
            local used = tonumber(redis.call('GET', KEYS[1]) or '0')
            local usedTokens = tonumber(redis.call('GET', KEYS[2]) or '0')
            local room = tonumber(ARGV[3]) - used
            if room <= 0 then return -1 end
            if usedTokens > 0 and usedTokens + tonumber(ARGV[5]) > tonumber(ARGV[4]) then return -1 end
            if redis.call('ZRANK', queue, member) >= room then return -1 end
            redis.call('INCR', KEYS[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[6])
            redis.call('INCRBY', KEYS[2], ARGV[5])
            redis.call('PEXPIRE', KEYS[2], ARGV[6])
            redis.call('ZREM', queue, member)
            return 1
            """;

    private final ReactiveRedisDataSource redis;
    private final String prefix;
    private final Limits limits;
    private final MeterRegistry metrics;
    private volatile boolean redisDown;
    // The local limiter's fixed window (same windows as Redis'): requests and tokens charged in it.
    private long localWindow = -1;
    private long localRequests;
    private long localTokens;

    public AdmissionController(ReactiveRedisDataSource redis, String prefix, Limits limits, MeterRegistry metrics) {
        this.redis = redis;
        this.prefix = prefix;
        this.limits = limits;
        this.metrics = metrics;
    }

    static int rank(String plan) {
        return switch (plan == null ? "" : plan.toLowerCase(Locale.ROOT)) {
            case "premium" -> 0;
            case "pro" -> 1;
            default -> 2;
        };
    }

    /** The tokens a finished call really used against the provider's limits: input (uncached + cache writes) + output. */
    public static long usedTokens(long inputTokens, long cacheWriteTokens, long outputTokens) {
        // Cache reads are left out: Anthropic does not count them against input-tokens-per-minute.
        return Math.max(0, inputTokens) + Math.max(0, cacheWriteTokens) + Math.max(0, outputTokens);
    }

    /** True while the last Redis call failed: admissions use the local limiter. */
    public boolean redisDown() {
        return redisDown;
    }

    /**
     * Corrects the token budget with what the call really used (the estimate was charged at admission).
     * In the same window the difference is applied (down to 0); when the window has moved on, only an
     * overrun is charged to the current one. Best effort: a failure is logged, never raised.
     */
    public Uni<Void> settle(Ticket ticket, long actualTokens) {
        long delta = actualTokens - ticket.reservedTokens();
        long windowMs = limits.window().toMillis();
        long now = System.currentTimeMillis() / windowMs;
        if (delta == 0 || (ticket.window() != now && delta < 0)) {
            return Uni.createFrom().voidItem();
        }
        long window = ticket.window() == now ? ticket.window() : now;
        if (ticket.local()) {
            settleLocal(window, delta);
            return Uni.createFrom().voidItem();
        }
        return redis.execute("EVAL", SETTLE, "1", "{" + prefix + "}:tpw:" + window, Long.toString(delta), Long.toString(windowMs + 1000))
                .replaceWithVoid()
                .onFailure().recoverWithUni(err -> {
                    LOG.debugf("admission control: could not settle tokens in Redis (%s)", err.toString());
                    settleLocal(window, delta);
                    return Uni.createFrom().voidItem();
                });
    }

    /** Completes with a ticket when the call may go to the provider; fails with {@code unavailable} + retry hint otherwise. */
    public Uni<Ticket> admit(String plan, long estimatedTokens) {
        long arrival = System.currentTimeMillis();
        String member = arrival + ":" + UUID.randomUUID();
        double score = rank(plan) * 1e13 + arrival;
        long deadline = arrival + limits.maxWait().toMillis();
        return attempt(member, score, Math.max(1, estimatedTokens), deadline, plan)
                .onCancellation().call(() -> leave(member));
    }

    private Uni<Ticket> attempt(String member, double score, long tokens, long deadline, String plan) {
        long now = System.currentTimeMillis();
        long windowMs = limits.window().toMillis();
        long window = now / windowMs;
        String tag = "{" + prefix + "}";
        return redis.execute("EVAL", SCRIPT, "3", tag + ":rpw:" + window, tag + ":tpw:" + window, tag + ":queue",
                member, String.format(Locale.ROOT, "%.0f", score), Long.toString(limits.requestsPerWindow()),
                Long.toString(limits.tokensPerWindow()), Long.toString(tokens), Long.toString(windowMs + 1000),
                Long.toString(limits.maxQueue()), Long.toString(now), Long.toString(now - 2 * limits.maxWait().toMillis()))
                .map(r -> {
                    if (redisDown) {
                        redisDown = false;
                        LOG.info("admission control: Redis is back, shared budgets again");
                    }
                    return r.toLong();
                })
                .onFailure().recoverWithItem(err -> {
                    if (!redisDown) {
                        redisDown = true;
                        LOG.warnf("admission control: Redis unavailable (%s), using the local limiter (%.0f%% of the budgets)",
                                err.toString(), limits.localShare() * 100);
                    }
                    if (tryLocal(window, tokens)) {
                        count(plan, "local_admitted");
                        return 2L;
                    }
                    count(plan, "local_limited");
                    return -1L;
                })
                .onItem().transformToUni(result -> {
                    long nextWindowMs = (window + 1) * windowMs - System.currentTimeMillis();
                    if (result == 1 || result == 2) {
                        if (result == 1) {
                            count(plan, "admitted");
                        }
                        return Uni.createFrom().item(new Ticket(window, tokens, result == 2));
                    }
                    if (result == -2) {
                        count(plan, "queue_full");
                        return Uni.createFrom().failure(busy("the AI is very busy right now; please try again shortly", nextWindowMs));
                    }
                    if (System.currentTimeMillis() + limits.pollInterval().toMillis() > deadline) {
                        count(plan, "timed_out");
                        return leave(member).chain(() -> Uni.createFrom().<Ticket>failure(busy(
                                "the AI is very busy right now; please try again shortly", nextWindowMs)));
                    }
                    long poll = limits.pollInterval().toMillis();
                    long delay = poll / 2 + ThreadLocalRandom.current().nextLong(poll / 2 + 1);
                    return Uni.createFrom().item(Boolean.TRUE).onItem().delayIt().by(Duration.ofMillis(delay))
                            .onItem().transformToUni(x -> attempt(member, score, tokens, deadline, plan));
                });
    }

    private synchronized boolean tryLocal(long window, long tokens) {
        if (window != localWindow) {
            localWindow = window;
            localRequests = 0;
            localTokens = 0;
        }
        if (localRequests >= limits.localRequests()) {
            return false;
        }
        if (localTokens > 0 && localTokens + tokens > limits.localTokens()) {
            return false;
        }
        localRequests++;
        localTokens += tokens;
        return true;
    }

    private synchronized void settleLocal(long window, long delta) {
        if (window != localWindow) {
            localWindow = window;
            localRequests = 0;
            localTokens = 0;
        }
        localTokens = Math.max(0, localTokens + delta);
    }

    private Uni<Void> leave(String member) {
        return redis.execute("ZREM", "{" + prefix + "}:queue", member).replaceWithVoid()
                .onFailure().recoverWithNull();
    }

    private static ServiceException busy(String detail, long retryMs) {
        return new ServiceException(ErrorCode.UNAVAILABLE, detail, Math.max(1, (retryMs + 999) / 1000));
    }

    private void count(String plan, String outcome) {
        if (metrics != null) {
            metrics.counter("oviya_ai_admission", "plan", plan == null || plan.isBlank() ? "free" : plan, "outcome", outcome)
                    .increment();
        }
    }
}
