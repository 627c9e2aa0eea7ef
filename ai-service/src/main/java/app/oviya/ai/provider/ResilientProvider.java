package app.oviya.ai.provider;

import app.oviya.common.error.ErrorCode;
import app.oviya.common.error.ServiceException;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The failure policy around a network provider, for a stream:
 * <ol>
 * <li>retry with exponential backoff and jitter, waiting at least the provider's {@code retry-after};</li>
 * <li>on 429/529 (capacity) after the retries, one more try on the smaller fallback model;</li>
 * <li>then a clear retryable {@code unavailable} error carrying a retry hint.</li>
 * </ol>
 * Retries happen only before the first delta: once the user has seen text, replaying it would
 * duplicate the reply, so a later failure ends the stream with the retryable error instead.
 * A circuit breaker (consecutive failures) fails fast while the provider is down.
 * <p>
 * Why not {@code @Retry}/{@code @CircuitBreaker} annotations: SmallRye Fault Tolerance guards methods
 * returning {@code Uni}/{@code CompletionStage}; on a {@code Multi} it would resubscribe after deltas were
 * already relayed, and it cannot honour a per-failure {@code retry-after}.
 */
public final class ResilientProvider implements LlmProvider {

    private static final Logger LOG = Logger.getLogger(ResilientProvider.class);

    public record Policy(int maxRetries, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter,
            int breakerFailureThreshold, Duration breakerDelay) {
    }

    private final ModelClient client;
    private final Policy policy;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicLong openUntil = new AtomicLong();

    public ResilientProvider(ModelClient client, Policy policy, MeterRegistry metrics, Clock clock) {
        this.client = client;
        this.policy = policy;
        this.metrics = metrics;
        this.clock = clock;
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
        return clock.millis() < openUntil.get();
    }

    /** Closes the breaker (tests). */
    public void resetBreaker() {
        consecutiveFailures.set(0);
        openUntil.set(0);
    }

    @Override
    public Multi<ProviderEvent> stream(CompanionTurn turn) {
        return Multi.createFrom().deferred(() -> {
            long now = clock.millis();
            long until = openUntil.get();
            if (now < until) {
                count("breaker_open");
                return Multi.createFrom().failure(unavailable("the AI provider is unavailable right now",
                        Duration.ofMillis(until - now), null));
            }
            AtomicBoolean started = new AtomicBoolean();
            return attempt(turn, client.primaryModel(), 0, false, started)
                    .onItem().invoke(e -> {
                        if (e instanceof ProviderEvent.Done) {
                            consecutiveFailures.set(0);
                        }
                    });
        });
    }

    private Multi<ProviderEvent> attempt(CompanionTurn turn, String model, int retry, boolean onFallback, AtomicBoolean started) {
        return client.stream(turn, model)
                .onItem().invoke(e -> started.set(true))
                .onFailure().recoverWithMulti(err -> {
                    ProviderException p = err instanceof ProviderException pe ? pe
                            : ProviderException.connection(String.valueOf(err.getMessage()), err);
                    if (started.get()) {
                        count("failed_mid_stream");
                        return Multi.createFrom().failure(giveUp("the AI reply was interrupted; please try again", p));
                    }
                    if (!p.retryable()) {
                        count("not_retryable_" + p.status());
                        LOG.errorf("AI provider refused the request: status=%d type=%s: %s", p.status(), p.errorType(), p.getMessage());
                        return Multi.createFrom().failure(new ServiceException(ErrorCode.INTERNAL,
                                "the AI provider refused the request (" + p.errorType() + ")", null, p));
                    }
                    Duration wait = backoff(retry, p.retryAfter());
                    if (retry < policy.maxRetries() && wait.compareTo(policy.maxRetryAfter()) <= 0) {
                        count("retry");
                        LOG.warnf("AI provider %s/%s failed (%s %s), retry %d in %d ms", client.name(), model, p.status(),
                                p.errorType(), retry + 1, wait.toMillis());
                        return Uni.createFrom().item(Boolean.TRUE).onItem().delayIt().by(wait)
                                .onItem().transformToMulti(x -> attempt(turn, model, retry + 1, onFallback, started));
                    }
                    String fallback = client.fallbackModel();
                    if (!onFallback && p.capacity() && fallback != null && !fallback.isBlank() && !fallback.equals(model)) {
                        count("fallback");
                        LOG.warnf("AI provider %s: %s out of capacity, falling back to %s", client.name(), model, fallback);
                        return attempt(turn, fallback, policy.maxRetries(), true, started);
                    }
                    return Multi.createFrom().failure(giveUp("the AI provider is busy; please try again shortly", p));
                });
    }

    /** Exponential backoff with full jitter, never shorter than what the provider asked for. */
    Duration backoff(int retry, Duration retryAfter) {
        long base = policy.initialBackoff().toMillis() << Math.min(retry, 16);
        long capped = Math.min(base, policy.maxBackoff().toMillis());
        long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        long floor = retryAfter == null ? 0 : retryAfter.toMillis();
        return Duration.ofMillis(Math.max(jittered, floor));
    }

    private ServiceException giveUp(String detail, ProviderException p) {
        if (consecutiveFailures.incrementAndGet() >= policy.breakerFailureThreshold()) {
            openUntil.set(clock.millis() + policy.breakerDelay().toMillis());
            consecutiveFailures.set(0);
            count("breaker_opened");
            LOG.errorf("AI provider %s: circuit breaker open for %s", client.name(), policy.breakerDelay());
        }
        count("gave_up");
        return unavailable(detail, p.retryAfter(), p);
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
