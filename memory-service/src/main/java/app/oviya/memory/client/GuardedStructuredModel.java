package app.oviya.memory.client;

import io.smallrye.faulttolerance.api.CustomBackoffStrategy;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.util.TypeLiteral;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * A {@link StructuredOutputModel} behind SmallRye Fault Tolerance (programmatic guard, so the values
 * come from configuration): a timeout per attempt, retries with exponential backoff on transient
 * failures (timeouts, connection errors, 429, 529, 5xx) that honour {@code retry-after}, a circuit
 * breaker so a provider that is down costs nothing per turn, and a bulkhead that bounds concurrent
 * calls. Retries stop when the whole budget is spent, and a {@code retry-after} longer than
 * {@code maxRetryAfter} is not waited for: the caller falls back instead.
 */
public final class GuardedStructuredModel implements StructuredOutputModel {

    public record Policy(Duration timeout, int maxRetries, Duration backoff, Duration maxRetryAfter, Duration budget, int concurrency,
            int queue, int breakerVolume, double breakerFailureRatio, Duration breakerDelay) {
    }

    private final StructuredOutputModel delegate;
    private final TypedGuard<Uni<StructuredOutput>> guard;

    public GuardedStructuredModel(StructuredOutputModel delegate, Policy policy, Consumer<Throwable> beforeRetry) {
        this.delegate = delegate;
        Duration maxRetryAfter = policy.maxRetryAfter();
        this.guard = TypedGuard.create(new TypeLiteral<Uni<StructuredOutput>>() {
        })
                .withDescription("memory extraction via " + delegate.provider())
                .withTimeout().duration(policy.timeout().toMillis(), ChronoUnit.MILLIS).done()
                .withRetry()
                .maxRetries(policy.maxRetries())
                .delay(policy.backoff().toMillis(), ChronoUnit.MILLIS)
                .jitter(0, ChronoUnit.MILLIS)
                .maxDuration(policy.budget().toMillis(), ChronoUnit.MILLIS)
                .whenException(t -> retryable(t, maxRetryAfter))
                .beforeRetry(beforeRetry)
                .withCustomBackoff().strategy(RetryAfterBackoff::new).done()
                .done()
                .withCircuitBreaker()
                .name("memory-extraction-" + delegate.provider())
                .requestVolumeThreshold(policy.breakerVolume())
                .failureRatio(policy.breakerFailureRatio())
                .delay(policy.breakerDelay().toMillis(), ChronoUnit.MILLIS)
                // Only an unreachable or failing provider opens the breaker, not one odd answer.
                .when(t -> !(t instanceof ModelCallFailure f) || f.reason() != ModelCallFailure.Reason.MALFORMED)
                .done()
                .withBulkhead().limit(policy.concurrency()).queueSize(policy.queue()).done()
                .build();
    }

    static boolean retryable(Throwable t, Duration maxRetryAfter) {
        if (t instanceof TimeoutException) {
            return true;
        }
        return t instanceof ModelCallFailure f && f.isTransient()
                && (f.retryAfter() == null || f.retryAfter().compareTo(maxRetryAfter) <= 0);
    }

    @Override
    public String provider() {
        return delegate.provider();
    }

    @Override
    public String model() {
        return delegate.model();
    }

    @Override
    public Uni<StructuredOutput> call(StructuredRequest request) {
        return guard.get(() -> delegate.call(request));
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** Exponential from the configured delay, or exactly what the server asked for in {@code retry-after}. */
    static final class RetryAfterBackoff implements CustomBackoffStrategy {
        private long next;

        @Override
        public void init(long initialDelayInMillis) {
            next = Math.max(1, initialDelayInMillis);
        }

        @Override
        public long nextDelayInMillis(Throwable cause) {
            long exponential = next;
            next = Math.min(next * 2, 60_000);
            if (cause instanceof ModelCallFailure f && f.retryAfter() != null) {
                return f.retryAfter().toMillis();
            }
            return exponential;
        }
    }
}
