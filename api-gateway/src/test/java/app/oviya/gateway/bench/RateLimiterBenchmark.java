package app.oviya.gateway.bench;

import app.oviya.gateway.ratelimit.RateLimiter;
import app.oviya.gateway.ratelimit.RedisLimiterStore;
import io.vertx.core.VertxOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.redis.client.RedisOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Rate-limit decisions per second and their latency, next to redis-benchmark running a trivial
 * EVALSHA at the same concurrency against the same Redis, in one run. Not a test: run it by hand
 * (see docs/edge-benchmarks.md). Arguments: port, concurrency, seconds, users.
 */
public final class RateLimiterBenchmark {

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 6379;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int users = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;

        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://127.0.0.1:" + port)
                .setMaxPoolSize(Integer.getInteger("pool", 8)).setMaxWaitingHandlers(concurrency * 4).setMaxPoolWaiting(concurrency * 4));
        redis.send(Request.cmd(Command.PING)).await().atMost(Duration.ofSeconds(5));
        String prefix = "bench:" + UUID.randomUUID() + ":";
        RateLimiter limiter = new RateLimiter(new RedisLimiterStore(redis, Duration.ofMillis(500), Integer.getInteger("connections", 2)), prefix, Duration.ofSeconds(5),
                Clock.systemUTC());
        RateLimiter.Limits limits = new RateLimiter.Limits(10, 10);
        String[] ids = new String[users];
        for (int i = 0; i < users; i++) {
            ids[i] = UUID.randomUUID().toString();
        }

        System.out.printf("limiter: %d in flight, %d s warm-up + %d s measured, %d users, Redis port %d%n", concurrency, 3, seconds, users, port);
        run(limiter, limits, ids, concurrency, 3, null);
        Histogram histogram = new Histogram(60_000_000_000L, 3);
        long decisions = run(limiter, limits, ids, concurrency, seconds, histogram);
        double limiterRate = decisions / (double) seconds;
        System.out.printf("limiter     : %,10.0f decisions/s  p50 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms  (degraded=%s)%n",
                limiterRate, ms(histogram.getValueAtPercentile(50)), ms(histogram.getValueAtPercentile(99)),
                ms(histogram.getValueAtPercentile(99.9)), ms(histogram.getMaxValue()), limiter.degraded());
        redis.close();
        vertx.closeAndAwait();

        long requests = (long) Math.max(100_000, limiterRate * seconds);
        double raw = redisBenchmark(port, concurrency, requests, "return 1", List.of("0"), "trivial EVALSHA");
        // The limiter's own script, straight from redis-benchmark: what Redis costs without the JVM client.
        redisBenchmark(port, concurrency, requests, RedisLimiterStore.SCRIPT,
                List.of("2", "bench:{__rand_int__}:msg", "bench:{__rand_int__}:day", "6000", "10", "10", "90000", "1", Long.toString(System.currentTimeMillis())), "limiter script");
        if (raw > 0) {
            System.out.printf("ratio       : %.2f x raw EVALSHA throughput%n", limiterRate / raw);
        }
    }

    private static long run(RateLimiter limiter, RateLimiter.Limits limits, String[] ids, int concurrency, int seconds, Histogram h)
            throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong count = new AtomicLong();
        CountDownLatch done = new CountDownLatch(concurrency);
        for (int w = 0; w < concurrency; w++) {
            loop(limiter, limits, ids, w, end, count, h, done);
        }
        done.await();
        return count.get();
    }

    /** One in-flight decision per worker: the next starts when the previous answered. */
    private static void loop(RateLimiter limiter, RateLimiter.Limits limits, String[] ids, int worker, long end, AtomicLong count,
            Histogram h, CountDownLatch done) {
        if (System.nanoTime() >= end) {
            done.countDown();
            return;
        }
        long start = System.nanoTime();
        String user = ids[(int) ((count.get() * 31 + worker) % ids.length)];
        limiter.message(user, limits).subscribe().with(d -> {
            if (h != null) {
                synchronized (h) {
                    h.recordValue(System.nanoTime() - start);
                }
            }
            count.incrementAndGet();
            loop(limiter, limits, ids, worker, end, count, h, done);
        }, t -> {
            System.err.println("decision failed: " + t);
            done.countDown();
        });
    }

    /** redis-benchmark: EVALSHA of "return 1" with the same number of clients; returns requests/s. */
    private static double redisBenchmark(int port, int clients, long requests, String script, List<String> args, String label)
            throws Exception {
        String sha = exec(List.of("redis-cli", "-p", Integer.toString(port), "SCRIPT", "LOAD", script)).strip();
        List<String> cmd = new ArrayList<>(List.of("redis-benchmark", "-p", Integer.toString(port), "-c", Integer.toString(clients),
                "-n", Long.toString(requests), "-r", "10000", "--csv", "EVALSHA", sha));
        cmd.addAll(args);
        String out = exec(cmd);
        for (String line : out.split("\n")) {
            if (line.startsWith("\"EVALSHA")) {
                String[] f = line.replace("\"", "").split(",");
                double rps = Double.parseDouble(f[1]);
                System.out.printf("redis-bench : %,10.0f EVALSHA/s    p50 %s ms  p99 %s ms  max %s ms  (%s, %d clients, %d requests)%n",
                        rps, f[4], f[6], f[7], label, clients, requests);
                return rps;
            }
        }
        System.out.println("redis-benchmark output not understood:\n" + out);
        return -1;
    }

    private static String exec(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder sb = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            String line;
            while ((line = r.readLine()) != null) {
                sb.append(line).append('\n');
            }
        }
        p.waitFor();
        return sb.toString();
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }
}
