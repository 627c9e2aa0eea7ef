package app.oviya.common.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Time from the start of one turn (a send in chat-service, a generate in ai-service, a search in
 * memory-service) to each of its stages, recorded once per stage as a histogram timer
 * {@code <name>{stage}} so that dashboards and the time-to-first-token benchmark can read
 * percentiles per hop (buckets from 1 ms to 10 s). Marks after the first for a stage are ignored.
 */
public final class TurnClock {

    private final MeterRegistry registry;
    private final String name;
    private final long start = System.nanoTime();
    private final AtomicBoolean firstDelta = new AtomicBoolean();

    public TurnClock(MeterRegistry registry, String name) {
        this.registry = registry;
        this.name = name;
    }

    /** Records the time since the turn started under {@code stage}. */
    public void mark(String stage) {
        if (registry == null) {
            return;
        }
        Timer.builder(name).tag("stage", stage)
                .description("Time from the start of a turn to this stage")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry)
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    /** {@link #mark}("first_delta"), once per turn. */
    public void firstDelta() {
        if (firstDelta.compareAndSet(false, true)) {
            mark("first_delta");
        }
    }
}
