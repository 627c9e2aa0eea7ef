package app.oviya.gateway.ratelimit;

import app.oviya.common.safety.CrisisSignals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.common.error.ErrorCode;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.redis.client.RedisOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The limiter against the real Redis (REDIS_URL, default 6379) (own key prefix), without a Quarkus app: two
 * limiter instances sharing one Redis stand for two gateway replicas.
 */
class RateLimiterTest {

    static final Duration WAIT = Duration.ofSeconds(5);
    static final String PREFIX = "test:rl:" + UUID.randomUUID() + ":";
    static Vertx vertx;
    static Redis redis;
    static Redis deadRedis;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        // Every limiter below keeps its two pooled connections for good (as the gateway's single
        // limiter does), so the pool must hold two per limiter the tests create.
        redis = Redis.createClient(vertx, new RedisOptions()
                .setConnectionString(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379")).setMaxPoolSize(32));
        // Nothing listens on port 1: every call fails at once, like a Redis that is down.
        deadRedis = Redis.createClient(vertx, "redis://127.0.0.1:1");
        // Connect (and load the script) once, so a cold start cannot look like a Redis outage.
        redis.send(Request.cmd(Command.PING)).await().atMost(WAIT);
        redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(RedisLimiterStore.SCRIPT)).await().atMost(WAIT);
    }

    @AfterAll
    static void stop() {
        redis.close();
        deadRedis.close();
        vertx.closeAndAwait();
    }

    static RateLimiter limiter(Redis r) {
        return new RateLimiter(new RedisLimiterStore(r, Duration.ofMillis(500), 2), PREFIX, Duration.ofSeconds(30), Clock.systemUTC());
    }

    static String user() {
        return UUID.randomUUID().toString();
    }

    @Test
    void theEleventhMessageWithinAMinuteIsRefusedWithItsHeaders() {
        RateLimiter limiter = limiter(redis);
        String user = user();
        RateLimiter.Limits limits = new RateLimiter.Limits(10, -1);
        for (int i = 1; i <= 10; i++) {
            RateLimiter.Decision d = limiter.message(user, limits).await().atMost(WAIT);
            assertTrue(d.allowed(), "message " + i);
            assertEquals("\"minute\";q=10;w=60", d.policy());
            assertTrue(d.rateLimit().startsWith("\"minute\";r=" + (10 - i) + ";t="), d.rateLimit());
        }
        RateLimiter.Decision eleventh = limiter.message(user, limits).await().atMost(WAIT);
        assertFalse(eleventh.allowed());
        assertEquals(ErrorCode.RATE_LIMITED, eleventh.deniedBy());
        // GCRA: one more message is allowed every 6 s.
        assertTrue(eleventh.retryAfterSeconds() >= 5 && eleventh.retryAfterSeconds() <= 6, "Retry-After " + eleventh.retryAfterSeconds());
        assertTrue(eleventh.rateLimit().startsWith("\"minute\";r=0;t="), eleventh.rateLimit());
        assertFalse(limiter.degraded());
    }

    @Test
    void twoReplicasSharingOneRedisAllowTenInTotal() {
        RateLimiter a = limiter(redis);
        RateLimiter b = limiter(redis);
        String user = user();
        RateLimiter.Limits limits = new RateLimiter.Limits(10, -1);
        int allowed = 0;
        for (int i = 0; i < 20; i++) {
            RateLimiter r = i % 2 == 0 ? a : b;
            if (r.message(user, limits).await().atMost(WAIT).allowed()) {
                allowed++;
            }
        }
        assertEquals(10, allowed);
        assertFalse(a.degraded() || b.degraded(), "both decided through Redis");
    }

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private final AtomicLong millis;

        ManualClock(long startMillis) {
            millis = new AtomicLong(startMillis);
        }

        void advance(Duration d) {
            millis.addAndGet(d.toMillis());
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @Test
    void decisionsFollowTheGatewaysClockAndASkewOfASecondBetweenReplicasMovesThemByNoMoreThanThat() {
        // The script takes "now" from the caller: replica b runs 1 s ahead of replica a.
        long start = System.currentTimeMillis();
        ManualClock clockA = new ManualClock(start);
        ManualClock clockB = new ManualClock(start + 1_000);
        RateLimiter a = new RateLimiter(new RedisLimiterStore(redis, Duration.ofMillis(500), 2), PREFIX, Duration.ofSeconds(30), clockA);
        RateLimiter b = new RateLimiter(new RedisLimiterStore(redis, Duration.ofMillis(500), 2), PREFIX, Duration.ofSeconds(30), clockB);
        String user = user();
        RateLimiter.Limits limits = new RateLimiter.Limits(10, -1);
        int allowed = 0;
        for (int i = 0; i < 20; i++) {
            if ((i % 2 == 0 ? a : b).message(user, limits).await().atMost(WAIT).allowed()) {
                allowed++;
            }
        }
        // b is 1 s ahead, so it sees a sixth of an emission interval (6 s) more credit: still ten in total.
        assertEquals(10, allowed, "the skew is far smaller than one emission interval");
        assertFalse(a.message(user, limits).await().atMost(WAIT).allowed());
        // Time passes on both gateways (no sleeping): one message more every 6 s.
        clockA.advance(Duration.ofMillis(5_500));
        clockB.advance(Duration.ofMillis(5_500));
        assertFalse(a.message(user, limits).await().atMost(WAIT).allowed(), "5.5 s on a's clock is not yet 6 s");
        assertTrue(b.message(user, limits).await().atMost(WAIT).allowed(), "6.5 s on b's clock");
        assertFalse(a.message(user, limits).await().atMost(WAIT).allowed());
        clockA.advance(Duration.ofSeconds(70));
        clockB.advance(Duration.ofSeconds(70));
        for (int i = 0; i < 10; i++) {
            assertTrue(a.message(user, limits).await().atMost(WAIT).allowed(), "a full burst again once drained, message " + (i + 1));
        }
        assertFalse(a.message(user, limits).await().atMost(WAIT).allowed());
    }

    @Test
    void freePlansEleventhMessageOfTheDayExceedsTheQuotaButProsDoesNot() {
        RateLimiter limiter = limiter(redis);
        String free = user();
        String pro = user();
        // A high per-minute rate so only the daily quota can refuse.
        RateLimiter.Limits freeLimits = new RateLimiter.Limits(600, 10);
        RateLimiter.Limits proLimits = new RateLimiter.Limits(600, -1);
        for (int i = 0; i < 10; i++) {
            assertTrue(limiter.message(free, freeLimits).await().atMost(WAIT).allowed());
            assertTrue(limiter.message(pro, proLimits).await().atMost(WAIT).allowed());
        }
        RateLimiter.Decision d = limiter.message(free, freeLimits).await().atMost(WAIT);
        assertFalse(d.allowed());
        assertEquals(ErrorCode.DAILY_QUOTA_EXCEEDED, d.deniedBy());
        assertTrue(d.retryAfterSeconds() >= 1 && d.retryAfterSeconds() <= 86_400);
        assertTrue(d.policy().contains("\"day\";q=10;w=86400"), d.policy());
        assertTrue(d.rateLimit().contains("\"day\";r=0;t="), d.rateLimit());
        assertTrue(limiter.message(pro, proLimits).await().atMost(WAIT).allowed());

        RateLimiter.Usage freeUsage = limiter.usage(free, freeLimits).await().atMost(WAIT);
        assertEquals(10, freeUsage.messagesToday(), "a refused message is not counted");
        assertEquals(0L, freeUsage.remaining());
        RateLimiter.Usage proUsage = limiter.usage(pro, proLimits).await().atMost(WAIT);
        assertEquals(11, proUsage.messagesToday());
        assertNull(proUsage.limit());

        limiter.forget(free).await().atMost(WAIT);
        assertEquals(0, limiter.usage(free, freeLimits).await().atMost(WAIT).messagesToday());
    }

    @Test
    void authAttemptsAreLimitedPerAddress() {
        RateLimiter limiter = limiter(redis);
        String ip = "203.0.113." + (int) (Math.random() * 250);
        String other = "198.51.100." + (int) (Math.random() * 250);
        for (int i = 0; i < 5; i++) {
            assertTrue(limiter.authAttempt(ip, 5).await().atMost(WAIT).allowed());
        }
        RateLimiter.Decision d = limiter.authAttempt(ip, 5).await().atMost(WAIT);
        assertEquals(ErrorCode.RATE_LIMITED, d.deniedBy());
        assertTrue(limiter.authAttempt(other, 5).await().atMost(WAIT).allowed());
    }

    @Test
    void limitsAboveOnePerMillisecondAreDecidedNotFailed() {
        // 60,000/min and more once gave a 0 ms GCRA interval: Redis refused the script and the local store divided by zero.
        RateLimiter.Limits limits = new RateLimiter.Limits(100_000, -1);
        for (RateLimiter limiter : new RateLimiter[] {limiter(redis), limiter(deadRedis)}) {
            assertTrue(limiter.message(user(), limits).await().atMost(WAIT).allowed());
        }
    }

    @Test
    void withRedisDownTheLocalLimiterStillLimitsAndReportsDegraded() {
        RateLimiter limiter = limiter(deadRedis);
        String user = user();
        RateLimiter.Limits limits = new RateLimiter.Limits(10, 10);
        for (int i = 0; i < 10; i++) {
            assertTrue(limiter.message(user, limits).await().atMost(WAIT).allowed());
        }
        assertTrue(limiter.degraded());
        assertEquals(ErrorCode.RATE_LIMITED, limiter.message(user, limits).await().atMost(WAIT).deniedBy());
        assertEquals(10, limiter.usage(user, limits).await().atMost(WAIT).messagesToday());
        assertFalse(limiter.probe().await().atMost(WAIT));
    }

    @Test
    void aRedisThatNeverAnswersFallsBackToTheLocalLimiterWithinTheTimeout() throws Exception {
        // Accepts connections and never writes a byte: a hung Redis, not a refused one.
        try (ServerSocket silent = new ServerSocket(0)) {
            List<Socket> held = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            Redis hung = Redis.createClient(vertx, "redis://127.0.0.1:" + silent.getLocalPort());
            try {
                RateLimiter limiter = new RateLimiter(new RedisLimiterStore(hung, Duration.ofMillis(200), 2), PREFIX, Duration.ofSeconds(30),
                        Clock.systemUTC());
                long start = System.nanoTime();
                RateLimiter.Decision d = limiter.message(user(), new RateLimiter.Limits(10, 10)).await().atMost(WAIT);
                long tookMs = (System.nanoTime() - start) / 1_000_000;
                assertTrue(d.allowed());
                assertTrue(limiter.degraded());
                // The deadline is 200 ms; the watchdog looks every 50 ms.
                assertTrue(tookMs >= 190 && tookMs < 1_000, "fell back after " + tookMs + " ms");
            } finally {
                hung.close();
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aConnectionClosedByRedisIsReplacedWithoutFallingBack() throws Exception {
        RateLimiter limiter = limiter(redis);
        String user = user();
        RateLimiter.Limits limits = new RateLimiter.Limits(10, -1);
        // Two decisions: one on each of the limiter's two connections.
        assertTrue(limiter.message(user, limits).await().atMost(WAIT).allowed());
        assertTrue(limiter.message(user, limits).await().atMost(WAIT).allowed());
        int killed = 0;
        for (String line : redis.send(Request.cmd(Command.CLIENT).arg("LIST")).await().atMost(WAIT).toString().split("\n")) {
            if (line.contains(" name=" + RedisLimiterStore.CONNECTION_NAME + " ")) {
                String id = line.substring(3, line.indexOf(' '));
                redis.send(Request.cmd(Command.CLIENT).arg("KILL").arg("ID").arg(id)).await().atMost(WAIT);
                killed++;
            }
        }
        assertTrue(killed >= 2, "the limiter's connections are named");
        Thread.sleep(200);
        for (int remaining = 7; remaining >= 5; remaining--) {
            RateLimiter.Decision next = limiter.message(user, limits).await().atMost(WAIT);
            assertTrue(next.allowed());
            assertFalse(limiter.degraded(), "a closed connection is replaced, not treated as Redis being down");
            assertTrue(next.rateLimit().startsWith("\"minute\";r=" + remaining + ";"), "counted in Redis: " + next.rateLimit());
        }
    }

    @Test
    void crisisMessagesAreRecognisedByTheExemption() {
        assertTrue(CrisisSignals.highRisk("I want to end my life"));
        assertTrue(CrisisSignals.highRisk("I don’t want to live anymore"));
        assertFalse(CrisisSignals.highRisk("this exam is killing me"));
        assertFalse(CrisisSignals.highRisk(null));
    }
}
