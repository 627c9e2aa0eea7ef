package app.oviya.gateway.ratelimit;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Future;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The shared limiter: every decision is one EVALSHA of {@link #SCRIPT}, so it is atomic across
 * any number of gateway replicas. "Now" is the calling gateway's clock, passed as an argument
 * (the day key already depends on it): replicas are expected to be NTP-synchronised, and a skew
 * of s ms between two replicas moves one user's decision by at most s ms against a 6,000 ms
 * emission interval. Asking Redis for {@code TIME} instead cost a quarter of the script's time.
 * Keys carry the user in a hash tag, so both keys of a decision live on one Redis Cluster slot.
 *
 * <p>Decisions are pipelined on a few long-lived connections (round robin) rather than each
 * borrowing one from the pool: with a pool, decisions in flight are capped by the pool size and
 * every one pays a checkout; on a pipelined connection Redis reads many decisions per socket read
 * and answers them in order. Two connections rather than one let Redis run one batch while the
 * gateway handles the answers of the other, instead of the two taking turns. A connection is
 * opened on first use and replaced after any failure.
 *
 * <p>A call that gets no answer within the timeout fails with a {@link TimeoutException}. Calls
 * wait in one queue in the order they were sent, and one watchdog task, scheduled only while
 * calls are waiting, fails those past their deadline: a decision costs a queue insertion rather
 * than a timer of its own (a timer per decision cost a fifth of the limiter's throughput).
 */
public final class RedisLimiterStore implements LimiterStore {

    /** GCRA (generic cell rate algorithm) plus an optional daily counter, counted only when allowed. */
    public static final String SCRIPT = """
            local now = tonumber(ARGV[6])
            local interval = tonumber(ARGV[1])
            local window = interval * tonumber(ARGV[2])
            local dayLimit = tonumber(ARGV[3])
            local countDay = ARGV[5] == '1'
            local tat = tonumber(redis.call('GET', KEYS[1])) or now
            if tat < now then tat = now end
            local newTat = tat + interval
            local used = 0
            if countDay then used = tonumber(redis.call('GET', KEYS[2])) or 0 end
            if newTat - now > window then
              return {0, 1, 0, newTat - now - window, tat - now, used}
            end
            if countDay and dayLimit >= 0 and used >= dayLimit then
              return {0, 2, math.floor((window - (tat - now)) / interval), 0, tat - now, used}
            end
            redis.call('SET', KEYS[1], newTat, 'PX', newTat - now)
            if countDay then
              used = redis.call('INCR', KEYS[2])
              if used == 1 then redis.call('EXPIRE', KEYS[2], tonumber(ARGV[4])) end
            end
            return {1, 0, math.floor((window - (newTat - now)) / interval), 0, newTat - now, used}
            """;

    static final String SHA = sha1(SCRIPT);

    /** CLIENT SETNAME of the limiter's connection. */
    public static final String CONNECTION_NAME = "oviya-rate-limiter";

    private final Redis redis;
    private final long timeoutNanos;
    private final AtomicReferenceArray<Future<RedisConnection>> connections;
    private final AtomicInteger next = new AtomicInteger();
    /** Calls sent and not yet known to be settled, oldest first; only the watchdog removes. */
    private final ConcurrentLinkedQueue<Pending> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean watchdogScheduled = new AtomicBoolean();

    /** {@code connections}: how many long-lived pipelined connections decisions are spread over. */
    public RedisLimiterStore(Redis redis, Duration timeout, int connections) {
        if (connections < 1) {
            throw new IllegalArgumentException("connections must be at least 1");
        }
        this.redis = redis;
        this.timeoutNanos = timeout.toNanos();
        this.connections = new AtomicReferenceArray<>(connections);
    }

    @Override
    public Uni<Outcome> decide(String rateKey, String dayKey, long intervalMs, int burst, long dayLimit, long dayTtlSeconds,
            boolean countDay, long nowMs) {
        String[] args = {rateKey, dayKey, Long.toString(intervalMs), Integer.toString(burst), Long.toString(dayLimit),
                Long.toString(dayTtlSeconds), countDay ? "1" : "0", Long.toString(nowMs)};
        return send(script(Command.EVALSHA, SHA, args))
                .onFailure(RedisLimiterStore::isNoScript).recoverWithUni(() -> send(script(Command.EVAL, SCRIPT, args)))
                .map(RedisLimiterStore::outcome);
    }

    @Override
    public Uni<Long> dayCount(String dayKey) {
        return send(Request.cmd(Command.GET).arg(dayKey)).map(r -> r == null ? 0L : r.toLong());
    }

    @Override
    public Uni<Void> delete(String... keys) {
        Request del = Request.cmd(Command.DEL);
        for (String k : keys) {
            del.arg(k);
        }
        return send(del).replaceWithVoid();
    }

    /**
     * Closes the connections so the next calls open new ones; the limiter calls this when
     * a decision timed out (a connection can hang without failing).
     */
    public void reset() {
        for (int slot = 0; slot < connections.length(); slot++) {
            Future<RedisConnection> current = connections.getAndSet(slot, null);
            if (current != null) {
                close(current);
            }
        }
    }

    /** The hot path, on Vert.x futures rather than Mutiny wrappers: one emitter per call. */
    private Uni<Response> send(Request request) {
        return Uni.createFrom().emitter(emitter -> {
            Pending call = new Pending(System.nanoTime() + timeoutNanos, emitter);
            waiting.add(call);
            watch();
            int slot = Math.floorMod(next.getAndIncrement(), connections.length());
            Future<RedisConnection> used = connection(slot);
            used.compose(c -> c.send(request)).onComplete(answer -> {
                if (answer.failed() && !isNoScript(answer.cause())) {
                    drop(slot, used);
                }
                UniEmitter<? super Response> waiter = call.settle();
                if (waiter != null) {
                    if (answer.succeeded()) {
                        waiter.complete(answer.result());
                    } else {
                        waiter.fail(answer.cause());
                    }
                }
            });
        });
    }

    private Future<RedisConnection> connection(int slot) {
        Future<RedisConnection> current = connections.get(slot);
        if (current != null) {
            return current;
        }
        // Named, so operators can tell it apart in CLIENT LIST.
        Future<RedisConnection> opened = redis.getDelegate().connect()
                .compose(c -> c.send(Request.cmd(Command.CLIENT).arg("SETNAME").arg(CONNECTION_NAME)).map(c)
                        .onFailure(t -> c.close()));
        current = connections.compareAndExchange(slot, null, opened);
        if (current != null) {
            // Another caller won the race; give this connection back.
            close(opened);
            return current;
        }
        // A closed or broken socket is forgotten at once, not at the next failed decision.
        opened.onSuccess(c -> c.exceptionHandler(t -> drop(slot, opened)).endHandler(x -> drop(slot, opened)))
                .onFailure(t -> drop(slot, opened));
        return opened;
    }

    private void watch() {
        if (!watchdogScheduled.get() && watchdogScheduled.compareAndSet(false, true)) {
            Infrastructure.getDefaultWorkerPool().schedule(this::expire, Math.max(1, timeoutNanos / 4), TimeUnit.NANOSECONDS);
        }
    }

    /** The watchdog: forgets settled calls, fails those past their deadline, comes back while any wait. */
    private void expire() {
        long now = System.nanoTime();
        boolean timedOut = false;
        for (Pending head = waiting.peek(); head != null; head = waiting.peek()) {
            if (!head.isSettled()) {
                if (now - head.deadline < 0) {
                    break;
                }
                UniEmitter<? super Response> waiter = head.settle();
                if (waiter != null) {
                    timedOut = true;
                    waiter.fail(new TimeoutException("Redis did not answer within " + Duration.ofNanos(timeoutNanos).toMillis() + " ms"));
                }
            }
            waiting.poll();
        }
        if (timedOut) {
            reset();
        }
        watchdogScheduled.set(false);
        if (!waiting.isEmpty()) {
            watch();
        }
    }

    private void drop(int slot, Future<RedisConnection> broken) {
        if (connections.compareAndSet(slot, broken, null)) {
            close(broken);
        }
    }

    private static void close(Future<RedisConnection> c) {
        c.onSuccess(RedisConnection::close);
    }

    /**
     * A call waiting for its answer; settled exactly once, by the answer or by the watchdog. Settling
     * lets go of the caller's emitter: a settled call stays in {@link #waiting} until the watchdog's
     * next look (up to a quarter of the timeout, i.e. tens of thousands of calls at full speed), and
     * keeping each one's subscriber chain alive that long made every young GC copy tens of megabytes.
     */
    private static final class Pending extends AtomicBoolean {

        final long deadline;
        private volatile UniEmitter<? super Response> emitter;

        Pending(long deadline, UniEmitter<? super Response> emitter) {
            this.deadline = deadline;
            this.emitter = emitter;
        }

        /** The emitter to complete, for the one caller that settles the call; null for everyone else. */
        UniEmitter<? super Response> settle() {
            if (!compareAndSet(false, true)) {
                return null;
            }
            UniEmitter<? super Response> e = emitter;
            emitter = null;
            return e;
        }

        boolean isSettled() {
            return get();
        }
    }

    private static Request script(Command command, String scriptOrSha, String[] args) {
        Request r = Request.cmd(command).arg(scriptOrSha).arg(2);
        for (String a : args) {
            r.arg(a);
        }
        return r;
    }

    private static Outcome outcome(Response r) {
        long[] v = new long[6];
        for (int i = 0; i < 6; i++) {
            v[i] = r.get(i).toLong();
        }
        return Outcome.of(v);
    }

    private static boolean isNoScript(Throwable t) {
        return t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT");
    }

    private static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
