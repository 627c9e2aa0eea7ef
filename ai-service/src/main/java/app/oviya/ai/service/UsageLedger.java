package app.oviya.ai.service;

import app.oviya.ai.provider.ProviderEvent;
import app.oviya.ai.repository.UsageEvent;
import app.oviya.ai.repository.UsageRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Records the tokens every reply used, in the database and as metrics. */
@ApplicationScoped
public class UsageLedger {

    private final UsageRepository usage;
    private final MeterRegistry metrics;

    public UsageLedger(UsageRepository usage, MeterRegistry metrics) {
        this.usage = usage;
        this.metrics = metrics;
    }

    public Uni<Void> record(UUID userId, UUID conversationId, String provider, ProviderEvent.Done done) {
        UsageEvent e = new UsageEvent();
        e.id = UUID.randomUUID();
        e.userId = userId;
        e.conversationId = conversationId;
        e.provider = provider;
        e.model = done.model();
        e.inputTokens = done.inputTokens();
        e.outputTokens = done.outputTokens();
        e.cacheReadTokens = done.cacheReadTokens();
        e.cacheWriteTokens = done.cacheWriteTokens();
        e.costUsd = BigDecimal.ZERO;
        e.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        metrics.counter("oviya_ai_tokens", "provider", provider, "model", done.model(), "kind", "input").increment(done.inputTokens());
        metrics.counter("oviya_ai_tokens", "provider", provider, "model", done.model(), "kind", "output").increment(done.outputTokens());
        return Panache.withTransaction(() -> usage.persist(e)).replaceWithVoid();
    }
}
