package app.oviya.ai.service;

import app.oviya.ai.provider.ProviderEvent;
import app.oviya.ai.repository.UsageEvent;
import app.oviya.ai.repository.UsageRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import app.oviya.ai.config.AiConfig;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Map;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Records the tokens every reply used, in the database and as metrics. */
@ApplicationScoped
public class UsageLedger {

    private final UsageRepository usage;
    private final MeterRegistry metrics;
    private final Map<String, double[]> prices = new HashMap<>();

    public UsageLedger(UsageRepository usage, MeterRegistry metrics, AiConfig config) {
        this.usage = usage;
        this.metrics = metrics;
        config.prices().forEach((model, csv) -> {
            String[] p = csv.split(",");
            if (p.length == 4) {
                prices.put(model, new double[] {Double.parseDouble(p[0].trim()), Double.parseDouble(p[1].trim()),
                        Double.parseDouble(p[2].trim()), Double.parseDouble(p[3].trim())});
            }
        });
    }

    /** Estimated cost in USD of one call, from the configured price per million tokens of its model. */
    public BigDecimal cost(ProviderEvent.Done done) {
        // The API answers with dated ids (claude-sonnet-4-5-20250929): the longest configured alias that prefixes it wins.
        double[] p = null;
        int best = -1;
        for (Map.Entry<String, double[]> e : prices.entrySet()) {
            if (done.model() != null && done.model().startsWith(e.getKey()) && e.getKey().length() > best) {
                p = e.getValue();
                best = e.getKey().length();
            }
        }
        if (p == null) {
            return BigDecimal.ZERO;
        }
        double usd = (done.inputTokens() * p[0] + done.outputTokens() * p[1] + done.cacheWriteTokens() * p[2]
                + done.cacheReadTokens() * p[3]) / 1_000_000.0;
        return BigDecimal.valueOf(usd).setScale(6, RoundingMode.HALF_UP);
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
        e.costUsd = cost(done);
        e.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        metrics.counter("oviya_ai_tokens", "provider", provider, "model", done.model(), "kind", "input").increment(done.inputTokens());
        metrics.counter("oviya_ai_tokens", "provider", provider, "model", done.model(), "kind", "output").increment(done.outputTokens());
        metrics.counter("oviya_ai_tokens", "provider", provider, "model", done.model(), "kind", "cache_read")
                .increment(done.cacheReadTokens());
        metrics.counter("oviya_ai_tokens", "provider", provider, "model", done.model(), "kind", "cache_write")
                .increment(done.cacheWriteTokens());
        // Per model here; per user and day from the ledger table (ExportUserData), not as metric labels.
        metrics.counter("oviya_ai_cost_usd", "provider", provider, "model", done.model()).increment(e.costUsd.doubleValue());
        return Panache.withTransaction(() -> usage.persist(e)).replaceWithVoid();
    }
}
