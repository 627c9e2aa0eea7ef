package app.oviya.ai.provider;

import app.oviya.common.error.ErrorCode;
import app.oviya.common.error.ServiceException;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.CustomBackoffStrategy;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import io.smallrye.mutiny.subscription.MultiSubscriber;
import jakarta.enterprise.util.TypeLiteral;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

/**
 * The failure policy around a network provider, for a stream, built on SmallRye Fault Tolerance's
 * programmatic API ({@link TypedGuard} over {@code Uni}):
 * <ol>
 * <li>retry with exponential backoff and jitter, waiting at least the provider's {@code retry-after}
 * ({@link RetryAfterBackoff}, a {@link CustomBackoffStrategy} that sees each failure);</li>
 * <li>on 429/529 (capacity) after the retries, one more try on the smaller fallback model;</li>
 * <li>then a clear retryable {@code unavailable} error carrying a retry hint.</li>
 * </ol>
 * What is guarded is <em>opening</em> the stream: a {@code Uni} that succeeds with the first event
 * (and the rest of the stream behind it). So retries happen only before the first delta; once the
 * user has seen text, replaying it would duplicate the reply, so a later failure ends the stream
 * with the retryable error instead. A circuit breaker around the whole (retries and fallback
 * included, so one turn = one outcome) fails fast after {@code breakerFailureThreshold}
 * consecutive turns the provider could not answer.
 */
public final class ResilientProvider implements LlmProvider {

    private static final Logger LOG = Logger.getLogger(ResilientProvider.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final TypeLiteral<Uni<Multi<ProviderEvent>>> OPENED = new TypeLiteral<>() {
    };

    public record Policy(int maxRetries, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter,
            int breakerFailureThreshold, Duration breakerDelay) {
    }

    private final ModelClient client;
    private final Policy policy;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final String breakerName;
    private final TypedGuard<Uni<Multi<ProviderEvent>>> retry;
    private final TypedGuard<Uni<Multi<ProviderEvent>>> breaker;
    private final AtomicLong openedAt = new AtomicLong();

    public ResilientProvider(ModelClient client, Policy policy, MeterRegistry metrics, Clock clock) {
        this.client = client;
        this.policy = policy;
        this.metrics = metrics;
        this.clock = clock;
        this.breakerName = "oviya-ai-" + client.name() + "-" + INSTANCES.incrementAndGet();
        this.retry = TypedGuard.create(OPENED)
                .withDescription("open a " + client.name() + " reply stream")
                .withRetry()
                    .maxRetries(policy.maxRetries())
                    .delay(policy.initialBackoff().toMillis(), ChronoUnit.MILLIS)
                    .jitter(0, ChronoUnit.MILLIS) // RetryAfterBackoff jitters itself
                    .maxDuration(0, ChronoUnit.MILLIS) // bounded by maxRetries and maxRetryAfter instead
                    .whenException(this::worthRetrying)
                    .beforeRetry(t -> {
                        count("retry");
                        ProviderException p = (ProviderException) t;
                        LOG.warnf("AI provider %s failed (%s %s), retrying", client.name(), p.status(), p.errorType());
                    })
                    .withCustomBackoff().strategy(() -> new RetryAfterBackoff(policy)).done()
                .done()
                .build();
        this.breaker = TypedGuard.create(OPENED)
                .withDescription("the " + client.name() + " provider")
                .withCircuitBreaker()
                    .name(breakerName)
                    // All of the last N turns failed = N consecutive failed turns.
                    .requestVolumeThreshold(policy.breakerFailureThreshold())
                    .failureRatio(1.0)
                    .successThreshold(1)
                    .delay(policy.breakerDelay().toMillis(), ChronoUnit.MILLIS)
                    // A refused request (400/401/...) is our bug, not the provider being down.
                    .when(t -> t instanceof ProviderException p && p.retryable())
                    .onStateChange(state -> {
                        if (state == CircuitBreakerState.OPEN) {
                            openedAt.set(clock.millis());
                            count("breaker_opened");
                            LOG.errorf("AI provider %s: circuit breaker open for %s", client.name(), policy.breakerDelay());
                        }
                    })
                .done()
                .build();
    }

    @Override
    public String name() {
        return client.name();
    }

    @Override
    public boolean offline() {
        return false;
    }

    public ModelClient client() {
        return client;
    }

    /** True while the breaker is open (tests and readiness). */
    public boolean breakerOpen() {
        return CircuitBreakerMaintenance.get().currentState(breakerName) == CircuitBreakerState.OPEN;
    }

    /** Closes the breaker (tests). */
    public void resetBreaker() {
        CircuitBreakerMaintenance.get().reset(breakerName);
    }

    @Override
    public Multi<ProviderEvent> stream(CompanionTurn turn) {
        return Uni.createFrom().deferred(() -> breaker.get(() -> withFallback(turn)))
                .onFailure().transform(this::giveUp)
                .onItem().transformToMulti(rest -> rest.onFailure().transform(err -> {
                    count("failed_mid_stream");
                    return unavailable("the AI reply was interrupted; please try again", retryAfterOf(err), err);
                }));
    }

    /** The primary model with retries; after them, on 429/529, one try on the fallback model. */
    private Uni<Multi<ProviderEvent>> withFallback(CompanionTurn turn) {
        String primary = client.primaryModel();
        String fallback = client.fallbackModel();
        Uni<Multi<ProviderEvent>> first = retry.get(() -> open(turn, primary));
        if (fallback == null || fallback.isBlank() || fallback.equals(primary)) {
            return first;
        }
        // Kept in Mutiny: the programmatic fallback handler only sees the failure, not the turn it would re-ask.
        return first.onFailure(t -> t instanceof ProviderException p && p.capacity()).recoverWithUni(t -> {
            count("fallback");
            LOG.warnf("AI provider %s: %s out of capacity, falling back to %s", client.name(), primary, fallback);
            return open(turn, fallback);
        });
    }

    private boolean worthRetrying(Throwable t) {
        if (!(t instanceof ProviderException p) || !p.retryable()) {
            return false;
        }
        // A retry-after longer than we are willing to wait: go to the fallback model or give up now.
        return p.retryAfter() == null || p.retryAfter().compareTo(policy.maxRetryAfter()) <= 0;
    }

    /** One call to the model, as a Uni of "the stream has started": the first event and the rest behind it. */
    private Uni<Multi<ProviderEvent>> open(CompanionTurn turn, String model) {
        return opened(Multi.createFrom().deferred(() -> client.stream(turn, model)))
                .onFailure(t -> !(t instanceof ProviderException))
                .transform(err -> ProviderException.connection(String.valueOf(err.getMessage()), err));
    }

    /**
     * Splits a stream at its first event without resubscribing: the Uni succeeds with a Multi that
     * replays that event and relays the rest (or with an empty stream when it completes at once), or
     * fails with the stream's failure when nothing came before it. Cancelling either side cancels the
     * call to the provider (the HTTP request is reset).
     */
    static <T> Uni<Multi<T>> opened(Multi<T> stream) {
        return Uni.createFrom().emitter(em -> {
            UnicastProcessor<T> rest = UnicastProcessor.create();
            AtomicReference<Flow.Subscription> upstream = new AtomicReference<>();
            AtomicBoolean started = new AtomicBoolean();
            AtomicBoolean cancelled = new AtomicBoolean();
            Runnable cancel = () -> {
                cancelled.set(true);
                Flow.Subscription s = upstream.get();
                if (s != null) {
                    s.cancel();
                }
            };
            Multi<T> relay = rest.onCancellation().invoke(cancel);
            em.onTermination(() -> {
                if (!started.get()) {
                    cancel.run();
                }
            });
            stream.subscribe().withSubscriber(new MultiSubscriber<T>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    upstream.set(s);
                    if (cancelled.get()) {
                        s.cancel();
                    } else {
                        s.request(Long.MAX_VALUE);
                    }
                }

                @Override
                public void onItem(T item) {
                    rest.onNext(item);
                    if (started.compareAndSet(false, true)) {
                        em.complete(relay);
                    }
                }

                @Override
                public void onFailure(Throwable failure) {
                    if (started.get()) {
                        rest.onError(failure);
                    } else {
                        started.set(true);
                        em.fail(failure);
                    }
                }

                @Override
                public void onCompletion() {
                    rest.onComplete();
                    if (started.compareAndSet(false, true)) {
                        em.complete(relay);
                    }
                }
            });
        });
    }

    /** Exponential backoff with full jitter, never shorter than what the provider asked for. */
    Duration backoff(int retry, Duration retryAfter) {
        return RetryAfterBackoff.delay(policy, retry, retryAfter);
    }

    /** One per guarded call (SmallRye asks the supplier each time): counts its own retries. */
    static final class RetryAfterBackoff implements CustomBackoffStrategy {

        private final Policy policy;
        private int retry;

        RetryAfterBackoff(Policy policy) {
            this.policy = policy;
        }

        @Override
        public long nextDelayInMillis(Throwable cause) {
            Duration retryAfter = cause instanceof ProviderException p ? p.retryAfter() : null;
            return delay(policy, retry++, retryAfter).toMillis();
        }

        static Duration delay(Policy policy, int retry, Duration retryAfter) {
            long base = policy.initialBackoff().toMillis() << Math.min(retry, 16);
            long capped = Math.min(base, policy.maxBackoff().toMillis());
            long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
            long floor = retryAfter == null ? 0 : retryAfter.toMillis();
            return Duration.ofMillis(Math.max(jittered, floor));
        }
    }

    private Throwable giveUp(Throwable failure) {
        if (failure instanceof CircuitBreakerOpenException) {
            count("breaker_open");
            long left = openedAt.get() + policy.breakerDelay().toMillis() - clock.millis();
            return unavailable("the AI provider is unavailable right now", Duration.ofMillis(Math.max(left, 1000)), null);
        }
        if (failure instanceof ProviderException p && !p.retryable()) {
            count("not_retryable_" + p.status());
            LOG.errorf("AI provider refused the request: status=%d type=%s: %s", p.status(), p.errorType(), p.getMessage());
            return new ServiceException(ErrorCode.INTERNAL, "the AI provider refused the request (" + p.errorType() + ")", null, p);
        }
        if (failure instanceof ServiceException) {
            return failure;
        }
        count("gave_up");
        return unavailable("the AI provider is busy; please try again shortly", retryAfterOf(failure), failure);
    }

    private static Duration retryAfterOf(Throwable t) {
        return t instanceof ProviderException p ? p.retryAfter() : null;
    }

    private static ServiceException unavailable(String detail, Duration retryAfter, Throwable cause) {
        long seconds = retryAfter == null ? 5 : Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return new ServiceException(ErrorCode.UNAVAILABLE, detail, seconds, cause);
    }

    private void count(String outcome) {
        if (metrics != null) {
            metrics.counter("oviya_ai_provider_failures", "provider", client.name(), "outcome", outcome).increment();
        }
    }
}
