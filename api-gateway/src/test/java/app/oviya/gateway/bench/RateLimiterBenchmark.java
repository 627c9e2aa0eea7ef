package app.oviya.gateway.bench;

import app.oviya.gateway.ratelimit.RateLimiter;
import app.oviya.gateway.ratelimit.RedisLimiterStore;
import io.vertx.core.Context;
import io.vertx.core.VertxOptions;
import io.vertx.core.impl.ContextInternal;
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
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Rate-limit decisions per second and their latency, next to redis-benchmark running a trivial
 * EVALSHA at the same concurrency against the same Redis, in one run. Not a test: run it by hand
 * (see docs/edge-benchmarks.md). Arguments: port, decisions in flight (one number or a comma-separated
 * sweep such as {@code 1,4,16,50}), seconds per step, users. Prints a Markdown table at the end.
 */
public final class RateLimiterBenchmark {

    private static Context[] loops;

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 6379;
        int[] concurrencies = Arrays.stream((args.length > 1 ? args[1] : "50").split(",")).mapToInt(Integer::parseInt).toArray();
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int users = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;

        int eventLoops = Integer.getInteger("eventLoops", 2);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
        // Off a Vert.x thread, each call gives a new context on the next event loop.
        loops = new Context[eventLoops];
        for (int i = 0; i < eventLoops; i++) {
            loops[i] = vertx.getDelegate().getOrCreateContext();
        }
        Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://127.0.0.1:" + port));
        redis.send(Request.cmd(Command.PING)).await().atMost(Duration.ofSeconds(5));
        // As short as the gateway's own "oviya:rl:", so requests are the size they are in production.
        String prefix = "rl:" + UUID.randomUUID().toString().substring(0, 6) + ":";
        RateLimiter limiter = new RateLimiter(new RedisLimiterStore(redis, Duration.ofMillis(500), Integer.getInteger("connections", 2)), prefix, Duration.ofSeconds(5),
                Clock.systemUTC());
        RateLimiter.Limits limits = new RateLimiter.Limits(10, 10);
        String[] ids = new String[users];
        for (int i = 0; i < users; i++) {
            ids[i] = UUID.randomUUID().toString();
        }

        // The JIT needs more than a few seconds here: with a 3 s warm-up, C2 still competed for the cores.
        int warmup = Integer.getInteger("warmup", 15);
        System.out.printf("limiter: in flight %s, %d s warm-up + %d s measured each, %d users, Redis port %d%n",
                Arrays.toString(concurrencies), warmup, seconds, users, port);
        run(limiter, limits, ids, concurrencies[concurrencies.length - 1], warmup, null);
        List<String> summary = new ArrayList<>();
        for (int concurrency : concurrencies) {
            Histogram histogram = new Histogram(60_000_000_000L, 3);
            long decisions = run(limiter, limits, ids, concurrency, seconds, histogram);
            double limiterRate = decisions / (double) seconds;
            double p99 = ms(histogram.getValueAtPercentile(99));
            System.out.printf("limiter     : %,10.0f decisions/s  p50 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms  (%d in flight, degraded=%s)%n",
                    limiterRate, ms(histogram.getValueAtPercentile(50)), p99, ms(histogram.getValueAtPercentile(99.9)),
                    ms(histogram.getMaxValue()), concurrency, limiter.degraded());
            long requests = (long) Math.max(100_000, limiterRate * seconds);
            double[] trivial = redisBenchmark(port, concurrency, requests, "return 1", List.of("0"), "trivial EVALSHA");
            // The limiter's own script, straight from redis-benchmark: what Redis costs without the JVM client.
            double[] script = redisBenchmark(port, concurrency, requests, RedisLimiterStore.SCRIPT,
                    List.of("2", "bench:{__rand_int__}:msg", "bench:{__rand_int__}:day", "6000", "10", "10", "90000", "1",
                            Long.toString(System.currentTimeMillis())), "limiter script");
            double ratio = limiterRate / trivial[0];
            System.out.printf("ratio       : %.2f x raw EVALSHA throughput%n", ratio);
            summary.add(String.format("| %d | %,.0f | %.3f | %,.0f (%.3f) | %,.0f (%.3f) | %.2f× | %s |", concurrency, limiterRate, p99,
                    trivial[0], trivial[1], script[0], script[1], ratio, ratio >= 0.7 && p99 < 1 ? "both met" : "not met"));
        }
        System.out.println();
        System.out.println("| in flight | limiter decisions/s | limiter p99 ms | trivial EVALSHA/s (p99 ms) | limiter script in redis-benchmark/s (p99 ms) | ratio | goals (≥ 0.7×, p99 < 1 ms) |");
        System.out.println("|---|---|---|---|---|---|---|");
        summary.forEach(System.out::println);
        redis.close();
        vertx.closeAndAwait();
        // Mutiny's shared worker pool (the store's timeout watchdog) keeps non-daemon threads.
        System.exit(0);
    }

    private static long run(RateLimiter limiter, RateLimiter.Limits limits, String[] ids, int concurrency, int seconds, Histogram h)
            throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong count = new AtomicLong();
        CountDownLatch done = new CountDownLatch(concurrency);
        for (int w = 0; w < concurrency; w++) {
            int worker = w;
            // Spread over the event loops like requests over a gateway's: each worker asks on its loop.
            ContextInternal home = (ContextInternal) loops[w % loops.length];
            home.runOnContext(v -> loop(limiter, limits, ids, worker, home, end, count, h, done));
        }
        done.await();
        return count.get();
    }

    /**
     * One in-flight decision per worker: the next starts when the previous answered. An answer that
     * arrives on another thread goes back to the worker's event loop first, as a gateway request's
     * answer must before its HTTP response is written; that hop is part of the latency.
     */
    private static void loop(RateLimiter limiter, RateLimiter.Limits limits, String[] ids, int worker, ContextInternal home, long end,
            AtomicLong count, Histogram h, CountDownLatch done) {
        if (System.nanoTime() >= end) {
            done.countDown();
            return;
        }
        long start = System.nanoTime();
        String user = ids[(int) ((count.get() * 31 + worker) % ids.length)];
        Runnable next = () -> {
            if (h != null) {
                synchronized (h) {
                    h.recordValue(System.nanoTime() - start);
                }
            }
            count.incrementAndGet();
            loop(limiter, limits, ids, worker, home, end, count, h, done);
        };
        limiter.message(user, limits).subscribe().with(d -> {
            if (home.nettyEventLoop().inEventLoop()) {
                next.run();
            } else {
                home.runOnContext(v -> next.run());
            }
        }, t -> {
            System.err.println("decision failed: " + t);
            done.countDown();
        });
    }

    /** redis-benchmark: EVALSHA of the script with the given number of clients; returns requests/s and p99 in ms. */
    private static double[] redisBenchmark(int port, int clients, long requests, String script, List<String> args, String label)
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
                return new double[] {rps, Double.parseDouble(f[6])};
            }
        }
        System.out.printf("redis-bench : no result (%s, %d clients): %s%n", label, clients, out.isBlank() ? "no output" : out.strip());
        return new double[] {Double.NaN, Double.NaN};
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
