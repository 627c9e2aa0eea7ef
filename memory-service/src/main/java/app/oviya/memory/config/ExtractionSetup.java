package app.oviya.memory.config;

import app.oviya.memory.client.AnthropicStructuredClient;
import app.oviya.memory.client.GuardedStructuredModel;
import app.oviya.memory.client.OpenAiStructuredClient;
import app.oviya.memory.client.StructuredOutputModel;
import app.oviya.memory.service.ExtractionSchema;
import app.oviya.memory.service.Extractor;
import app.oviya.memory.service.LlmExtractor;
import app.oviya.memory.service.RuleBasedExtractor;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Chooses the extractor from configuration, once, and says which at start (never the key). */
@ApplicationScoped
public class ExtractionSetup {

    private static final Logger LOG = Logger.getLogger(ExtractionSetup.class);

    @Produces
    @ApplicationScoped
    Extractor extractor(ExtractionConfig config, Vertx vertx, MeterRegistry metrics) {
        Optional<String> anthropicKey = config.anthropic().apiKey().filter(k -> !k.isBlank());
        Optional<String> openAiUrl = config.openai().baseUrl().filter(u -> !u.isBlank());
        ExtractionConfig.Choice choice = ExtractionConfig.choose(config.mode(), config.provider(), anthropicKey.isPresent(), openAiUrl.isPresent());
        RuleBasedExtractor rules = new RuleBasedExtractor();
        if (choice.extractor().equals("rules")) {
            LOG.infof("Memory extraction: RULES (%s)", choice.why());
            return rules;
        }
        WebClient web = WebClient.create(vertx, new WebClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.timeout().toMillis()))
                .setKeepAlive(true)
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setMaxPoolSize(Math.max(2, config.concurrency()))
                .setUserAgent("oviya-memory-service"));
        StructuredOutputModel client = choice.provider().equals(AnthropicStructuredClient.PROVIDER)
                ? new AnthropicStructuredClient(web, config.anthropic().baseUrl(), anthropicKey, config.anthropic().model(), config.timeout())
                : new OpenAiStructuredClient(web, openAiUrl.orElseThrow(), config.openai().apiKey(), config.openai().model(), config.timeout(),
                        OpenAiStructuredClient.Style.of(config.openai().structuredOutput()));
        GuardedStructuredModel guarded = new GuardedStructuredModel(client, new GuardedStructuredModel.Policy(
                config.timeout(), config.maxRetries(), config.retryBackoff(), config.maxRetryAfter(), config.budget(), config.concurrency(),
                config.queue(), config.circuitBreaker().requestVolume(), config.circuitBreaker().failureRatio(), config.circuitBreaker().delay()),
                failure -> metrics.counter("oviya.memory.extraction.retries", "provider", client.provider()).increment());
        LOG.infof("Memory extraction: LLM via %s, model %s, timeout %s, budget %s, %d retries; the rules extract a turn the model fails (%s)",
                client.provider(), client.model(), config.timeout(), config.budget(), config.maxRetries(), choice.why());
        return new LlmExtractor(guarded, rules, new ExtractionSchema(new ExtractionSchema.Limits(config.maxMemories(),
                config.maxContentChars(), config.maxInputChars(), config.maxTokens())), config.budget(), metrics);
    }

    /** Chooses at start, so a configuration that cannot work stops the service instead of failing the first turn. */
    void choose(@Observes StartupEvent ignored, Extractor extractor) {
        extractor.name();
    }

    void close(@Disposes Extractor extractor) {
        if (extractor instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // shutting down
            }
        }
    }
}
