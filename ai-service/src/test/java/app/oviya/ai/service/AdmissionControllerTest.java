package app.oviya.ai.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.ai.provider.AnthropicClient;
import app.oviya.ai.provider.CompanionTurn;
import app.oviya.ai.provider.FakeAnthropic;
import app.oviya.common.error.ErrorCode;
import app.oviya.common.error.ServiceException;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Admission control shared through the real Redis by two controller instances (as two replicas would). */
@QuarkusTest
class AdmissionControllerTest {

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    Vertx vertx;

    private static String prefix() {
        return "test-admission-" + UUID.randomUUID();
    }

    /** Starts at the beginning of a window so a test never straddles two. */
    private static void alignTo(Duration window) throws InterruptedException {
        long w = window.toMillis();
        long left = w - System.currentTimeMillis() % w;
        if (left < Math.min(w * 3 / 4, 5000)) {
            Thread.sleep(left + 20);
        }
    }

    @Test
    void twoInstancesNeverLetMoreThanTheBudgetReachTheProvider() throws Exception {
        AdmissionController.Limits limits = new AdmissionController.Limits(5, 1_000_000, Duration.ofSeconds(60), 100,
                Duration.ofMillis(1200), Duration.ofMillis(40));
        String prefix = prefix();
        List<AdmissionController> replicas = List.of(new AdmissionController(redis, prefix, limits, null),
                new AdmissionController(redis, prefix, limits, null));
        try (FakeAnthropic fake = new FakeAnthropic(vertx)) {
            AnthropicClient client = new AnthropicClient(vertx, new AnthropicClient.Settings(fake.baseUrl(), "k", "m", null, 64,
                    Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), true));
            CompanionTurn turn = new CompanionTurn("sys", List.of(), null, "hi", "neutral", 0, List.of(), "", 64);
            alignTo(limits.window());
            List<CompletableFuture<Object>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                AdmissionController replica = replicas.get(i % 2);
                calls.add(replica.admit(i % 3 == 0 ? "premium" : "free", 50)
                        .onItem().transformToUni(x -> client.stream(turn, "m").collect().asList().map(l -> (Object) l))
                        .onFailure().recoverWithItem(err -> err)
                        .subscribeAsCompletionStage().toCompletableFuture());
            }
            int admitted = 0;
            int refused = 0;
            for (CompletableFuture<Object> c : calls) {
                Object r = c.get(20, TimeUnit.SECONDS);
                if (r instanceof Throwable t) {
                    ServiceException e = assertInstanceOf(ServiceException.class, t, t.toString());
                    assertEquals(ErrorCode.UNAVAILABLE, e.code());
                    assertTrue(e.retryAfterSeconds() >= 1, "a retry hint");
                    refused++;
                } else {
                    admitted++;
                }
            }
            assertEquals(5, fake.bodies().size(), "no more than the budget reached the provider");
            assertEquals(5, admitted);
            assertEquals(7, refused);
        }
    }

    @Test
    void premiumWaitsLessThanFree() throws Exception {
        Duration window = Duration.ofMillis(600);
        AdmissionController.Limits limits = new AdmissionController.Limits(1, 1_000_000, window, 100, Duration.ofSeconds(8),
                Duration.ofMillis(20));
        String prefix = prefix();
        AdmissionController a = new AdmissionController(redis, prefix, limits, null);
        AdmissionController b = new AdmissionController(redis, prefix, limits, null);
        alignTo(window);
        // The window's only slot is taken; then three free requests queue up, and three premium ones after them.
        a.admit("free", 10).await().atMost(Duration.ofSeconds(5));
        Map<String, Long> waited = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (String plan : List.of("free", "free", "free", "premium", "premium", "premium")) {
            String id = plan + "-" + calls.size();
            long start = System.nanoTime();
            AdmissionController replica = calls.size() % 2 == 0 ? a : b;
            calls.add(replica.admit(plan, 10).invoke(() -> waited.put(id, (System.nanoTime() - start) / 1_000_000))
                    .replaceWithVoid().subscribeAsCompletionStage().toCompletableFuture());
            Thread.sleep(15);
        }
        for (CompletableFuture<Void> c : calls) {
            c.get(20, TimeUnit.SECONDS);
        }
        long slowestPremium = waited.entrySet().stream().filter(e -> e.getKey().startsWith("premium"))
                .mapToLong(Map.Entry::getValue).max().orElseThrow();
        long fastestFree = waited.entrySet().stream().filter(e -> e.getKey().startsWith("free"))
                .mapToLong(Map.Entry::getValue).min().orElseThrow();
        assertTrue(slowestPremium < fastestFree, "every premium request was admitted before any free one: " + waited);
    }

    @Test
    void aFullQueueAnswersUnavailableAtOnceWithARetryHint() throws Exception {
        AdmissionController.Limits limits = new AdmissionController.Limits(1, 1_000_000, Duration.ofSeconds(60), 2,
                Duration.ofSeconds(3), Duration.ofMillis(50));
        AdmissionController c = new AdmissionController(redis, prefix(), limits, null);
        alignTo(limits.window());
        c.admit("free", 10).await().atMost(Duration.ofSeconds(5));
        List<CompletableFuture<Void>> waiting = List.of(c.admit("free", 10).replaceWithVoid().subscribeAsCompletionStage().toCompletableFuture(),
                c.admit("free", 10).replaceWithVoid().subscribeAsCompletionStage().toCompletableFuture());
        Thread.sleep(200);
        long start = System.nanoTime();
        Throwable t = c.admit("premium", 10).onItem().transform(x -> (Throwable) null).onFailure().recoverWithItem(e -> e)
                .await().atMost(Duration.ofSeconds(5));
        ServiceException e = assertInstanceOf(ServiceException.class, t);
        assertEquals(ErrorCode.UNAVAILABLE, e.code());
        assertTrue(e.retryAfterSeconds() >= 1);
        assertTrue((System.nanoTime() - start) / 1_000_000 < 1000, "refused without waiting");
        for (CompletableFuture<Void> w : waiting) {
            w.handle((v, err) -> null).get(10, TimeUnit.SECONDS);
        }
    }

    private static Throwable failureOf(Uni<?> call) {
        return call.onItem().transform(x -> (Throwable) null).onFailure().recoverWithItem(e -> e).await().atMost(Duration.ofSeconds(10));
    }

    private long tokensInWindow(String prefix, AdmissionController.Ticket t) {
        var v = redis.execute("GET", "{" + prefix + "}:tpw:" + t.window()).await().atMost(Duration.ofSeconds(5));
        return v == null ? 0 : v.toLong();
    }

    @Test
    void theTokenBudgetIsCorrectedWithTheRealUsageWhenACallEnds() throws Exception {
        AdmissionController.Limits limits = new AdmissionController.Limits(100, 1500, Duration.ofSeconds(60), 10,
                Duration.ofMillis(300), Duration.ofMillis(50));
        String prefix = prefix();
        AdmissionController c = new AdmissionController(redis, prefix, limits, null);
        alignTo(limits.window());
        AdmissionController.Ticket first = c.admit("free", 1000).await().atMost(Duration.ofSeconds(5));
        assertEquals(1000, tokensInWindow(prefix, first), "the estimate is charged at admission");
        assertInstanceOf(ServiceException.class, failureOf(c.admit("free", 1000)),
                "with the estimate charged, a second call of 1000 does not fit in 1500");

        // The provider reported 120 input + 80 output tokens: the estimate's surplus goes back to the budget.
        c.settle(first, AdmissionController.usedTokens(120, 0, 80)).await().atMost(Duration.ofSeconds(5));
        assertEquals(200, tokensInWindow(prefix, first));
        AdmissionController.Ticket second = c.admit("free", 1000).await().atMost(Duration.ofSeconds(5));
        assertEquals(1200, tokensInWindow(prefix, second));

        // A call that used more than estimated is charged the overrun: nothing else fits now.
        c.settle(second, 1400).await().atMost(Duration.ofSeconds(5));
        assertEquals(1600, tokensInWindow(prefix, second));
        assertInstanceOf(ServiceException.class, failureOf(c.admit("premium", 10)));
        assertEquals(1, AdmissionController.usedTokens(1, 5000, 0) - 5000, "cache writes count, as input");
        assertEquals(300, AdmissionController.usedTokens(100, 0, 200), "cache reads are not passed in at all");
    }

    @Test
    void whenRedisIsDownALocalLimiterAdmitsOnlyThisReplicasShareAndReadinessSaysDegraded() throws Exception {
        io.vertx.mutiny.core.Vertx mutinyVertx = io.vertx.mutiny.core.Vertx.newInstance(vertx);
        io.vertx.mutiny.redis.client.Redis dead = io.vertx.mutiny.redis.client.Redis.createClient(mutinyVertx, "redis://127.0.0.1:1");
        ReactiveRedisDataSource down = new io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl(mutinyVertx, dead,
                io.vertx.mutiny.redis.client.RedisAPI.api(dead));
        // A budget of 9 requests per window shared by 3 replicas: alone, this one takes at most 3.
        AdmissionController.Limits limits = new AdmissionController.Limits(9, 1_000_000, Duration.ofSeconds(60), 10,
                Duration.ofMillis(300), Duration.ofMillis(50), 1.0 / 3);
        AdmissionController c = new AdmissionController(down, prefix(), limits, null);
        alignTo(limits.window());
        assertTrue(!c.redisDown());
        int admitted = 0;
        int refused = 0;
        List<AdmissionController.Ticket> tickets = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Uni<AdmissionController.Ticket> call = c.admit("free", 10);
            Throwable t = failureOf(call.invoke(tickets::add));
            if (t == null) {
                admitted++;
            } else {
                ServiceException e = assertInstanceOf(ServiceException.class, t, t.toString());
                assertEquals(ErrorCode.UNAVAILABLE, e.code());
                assertTrue(e.retryAfterSeconds() >= 1, "a retry hint");
                refused++;
            }
        }
        assertEquals(3, admitted, "not everything is let through: this replica's third of the budget");
        assertEquals(3, refused);
        assertTrue(c.redisDown(), "readiness reports degraded");
        assertTrue(tickets.stream().allMatch(AdmissionController.Ticket::local));
        dead.close();
    }
}
