package app.oviya.ai.service;

import app.oviya.ai.config.AiConfig;
import app.oviya.ai.provider.AnthropicClient;
import app.oviya.ai.provider.LlmProvider;
import app.oviya.ai.provider.OfflineProvider;
import app.oviya.ai.provider.OpenAiClient;
import app.oviya.ai.provider.ResilientProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.Startup;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import org.jboss.logging.Logger;

/** Chooses the LLM provider from configuration, once, and says which at start (never the key). */
@ApplicationScoped
@Startup
public class ProviderSelector {

    private static final Logger LOG = Logger.getLogger(ProviderSelector.class);

    private final LlmProvider active;
    private final AdmissionController admission;
    private final ResponseCache responseCache;
    private final String model;

    public ProviderSelector(AiConfig config, OfflineProvider offline, Vertx vertx, MeterRegistry metrics,
            ReactiveRedisDataSource redis) {
        String wanted = config.provider().map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).orElse("");
        String key = config.anthropic().apiKey().filter(k -> !k.isBlank()).orElse(null);
        if (wanted.isEmpty()) {
            wanted = key != null ? "anthropic" : "offline";
        }
        AiConfig.Resilience r = config.resilience();
        ResilientProvider.Policy policy = new ResilientProvider.Policy(r.maxRetries(), r.initialBackoff(), r.maxBackoff(),
                r.maxRetryAfter(), r.breakerFailureThreshold(), r.breakerDelay());
        switch (wanted) {
            case "anthropic" -> {
                if (key == null) {
                    LOG.warn("OVIYA_AI_PROVIDER=anthropic but ANTHROPIC_API_KEY is not set: requests will be refused (401)");
                }
                AiConfig.Anthropic a = config.anthropic();
                AnthropicClient client = new AnthropicClient(vertx, new AnthropicClient.Settings(a.baseUrl(), key, a.model(),
                        a.fallbackModel().orElse(null), config.maxTokens(), a.connectTimeout(), a.firstTokenTimeout(),
                        a.idleTimeout(), a.promptCaching()));
                this.active = new ResilientProvider(client, policy, metrics, Clock.systemUTC());
                this.admission = admission(config, redis, metrics);
                this.responseCache = cache(config, redis, metrics);
                this.model = a.model();
                LOG.infof("AI provider: ANTHROPIC at %s, model %s, fallback %s, prompt caching %s", a.baseUrl(), a.model(),
                        a.fallbackModel().orElse("none"), a.promptCaching() ? "on" : "off");
            }
            case "openai" -> {
                AiConfig.OpenAi o = config.openai();
                OpenAiClient client = new OpenAiClient(vertx, new OpenAiClient.Settings(o.baseUrl(), o.apiKey().orElse(null),
                        o.model(), o.fallbackModel().orElse(null), config.maxTokens(), o.connectTimeout(), o.firstTokenTimeout(),
                        o.idleTimeout()));
                this.active = new ResilientProvider(client, policy, metrics, Clock.systemUTC());
                this.admission = admission(config, redis, metrics);
                this.responseCache = cache(config, redis, metrics);
                this.model = o.model();
                LOG.infof("AI provider: OPENAI-COMPATIBLE at %s, model %s, fallback %s", o.baseUrl(), o.model(),
                        o.fallbackModel().orElse("none"));
            }
            default -> {
                if (!wanted.equals("offline")) {
                    LOG.warnf("AI provider '%s' is not available in this build: using the OFFLINE provider", wanted);
                }
                this.active = offline;
                this.admission = null;
                // The offline provider costs nothing: no cache in front of it.
                this.responseCache = null;
                this.model = "oviya-offline-1";
                LOG.info("AI provider: OFFLINE (deterministic, no network). Set ANTHROPIC_API_KEY to answer with Claude.");
            }
        }
    }

    private static AdmissionController admission(AiConfig config, ReactiveRedisDataSource redis, MeterRegistry metrics) {
        AiConfig.Admission ad = config.admission();
        return ad.enabled() ? new AdmissionController(redis, ad.keyPrefix(), new AdmissionController.Limits(ad.requestsPerMinute(),
                ad.tokensPerMinute(), Duration.ofMinutes(1), ad.maxQueue(), ad.maxWait(), ad.pollInterval(), ad.localShare()), metrics)
                : null;
    }

    private static ResponseCache cache(AiConfig config, ReactiveRedisDataSource redis, MeterRegistry metrics) {
        return config.responseCache().enabled()
                ? new ResponseCache(redis, config.responseCache().keyPrefix(), config.responseCache().ttl(), metrics) : null;
    }

    public LlmProvider active() {
        return active;
    }

    /** The response cache for repeatable openers, or null (offline or disabled). */
    public ResponseCache responseCache() {
        return responseCache;
    }

    /** The main model of the active provider. */
    public String model() {
        return model;
    }

    /** Admission control toward the active provider, or null (offline: nothing to protect). */
    public AdmissionController admission() {
        return admission;
    }
}
