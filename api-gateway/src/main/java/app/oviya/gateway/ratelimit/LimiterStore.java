package app.oviya.gateway.ratelimit;

import io.smallrye.mutiny.Uni;

/**
 * Where limiter state lives: Redis (shared by every gateway replica) or this process's memory
 * (the fallback while Redis is unreachable). One call is one atomic decision.
 */
interface LimiterStore {

    /**
     * GCRA on {@code rateKey} (emission interval {@code intervalMs}, burst {@code burst}) and, when
     * {@code countDay}, the day counter {@code dayKey} against {@code dayLimit} (negative: unlimited).
     * Nothing is counted when the answer is no. {@code nowMs} is the caller's clock (epoch ms).
     */
    Uni<Outcome> decide(String rateKey, String dayKey, long intervalMs, int burst, long dayLimit, long dayTtlSeconds, boolean countDay,
            long nowMs);

    /** Today's count, without changing anything. */
    Uni<Long> dayCount(String dayKey);

    /** Forgets the keys (account deletion). */
    Uni<Void> delete(String... keys);

    /**
     * {@code reason}: 0 allowed, 1 denied by the rate, 2 denied by the daily quota.
     * Times in milliseconds: {@code retryAfterMs} until the rate allows one more,
     * {@code resetMs} until the burst is fully available again.
     */
    record Outcome(boolean allowed, int reason, long remaining, long retryAfterMs, long resetMs, long dayUsed) {

        static Outcome of(long[] v) {
            return new Outcome(v[0] == 1, (int) v[1], v[2], v[3], v[4], v[5]);
        }
    }
}
