package app.oviya.memory.service;

import app.oviya.common.concurrent.Offload;
import app.oviya.memory.client.ModelCallFailure;
import app.oviya.memory.client.StructuredOutputModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Extraction by a language model with structured output. When the model cannot give a usable answer
 * in time (timeout, HTTP error after retries, open circuit, too many calls in flight, malformed
 * output) the turn is extracted by the rules instead and the fallback is counted in
 * {@code oviya_memory_extraction_fallbacks_total{reason}}: a turn is never lost to the model.
 */
public final class LlmExtractor implements Extractor, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LlmExtractor.class);

    private final StructuredOutputModel model;
    private final RuleBasedExtractor rules;
    private final ExtractionSchema schema;
    private final Duration budget;
    private final MeterRegistry metrics;

    public LlmExtractor(StructuredOutputModel model, RuleBasedExtractor rules, ExtractionSchema schema, Duration budget, MeterRegistry metrics) {
        this.model = model;
        this.rules = rules;
        this.schema = schema;
        this.budget = budget;
        this.metrics = metrics;
    }

    @Override
    public String name() {
        return "llm";
    }

    @Override
    public Uni<List<Candidate>> extract(Turn turn) {
        if (turn.userText() == null || turn.userText().isBlank()) {
            return Uni.createFrom().item(List.of());
        }
        Context context = Vertx.currentContext();
        Uni<List<Candidate>> result = Uni.createFrom().deferred(() -> model.call(schema.request(turn)))
                // The whole model step, retries included, must leave time to embed and store within the caller's deadline.
                .ifNoItem().after(budget).failWith(() -> new ModelCallFailure(ModelCallFailure.Reason.TIMEOUT, 0, null,
                        "no answer within the extraction budget of " + budget.toMillis() + " ms", null, null))
                .map(out -> {
                    metrics.counter("oviya.memory.extraction.tokens", "provider", model.provider(), "model", out.model(), "type", "input")
                            .increment(out.inputTokens());
                    metrics.counter("oviya.memory.extraction.tokens", "provider", model.provider(), "model", out.model(), "type", "output")
                            .increment(out.outputTokens());
                    return schema.normalise(out.value(), turn);
                })
                .invoke(list -> metrics.counter("oviya.memory.extractions", "extractor", "llm", "provider", model.provider()).increment())
                .onFailure().recoverWithItem(failure -> fallback(turn, failure));
        // The HTTP client and the fault-tolerance timers complete on their own threads: come back to the caller's context.
        return context == null ? result : result.emitOn(Offload.backTo(context));
    }

    private List<Candidate> fallback(Turn turn, Throwable failure) {
        String reason = reason(failure);
        metrics.counter("oviya.memory.extraction.fallbacks", "provider", model.provider(), "reason", reason).increment();
        metrics.counter("oviya.memory.extractions", "extractor", "rules", "provider", model.provider()).increment();
        LOG.warnf("LLM extraction failed (%s: %s); the rules extract this turn", reason, failure.getMessage());
        return rules.extract(turn.userText(), turn.sentOn());
    }

    /** The metric tag of a failure: timeout, connection, rate_limited, overloaded, server_error, rejected, malformed, circuit_open, busy. */
    static String reason(Throwable t) {
        if (t instanceof ModelCallFailure f) {
            return f.reason().tag();
        }
        if (t instanceof TimeoutException) {
            return "timeout";
        }
        if (t instanceof CircuitBreakerOpenException) {
            return "circuit_open";
        }
        if (t instanceof BulkheadException) {
            return "busy";
        }
        return "error";
    }

    @Override
    public void close() {
        model.close();
    }
}
