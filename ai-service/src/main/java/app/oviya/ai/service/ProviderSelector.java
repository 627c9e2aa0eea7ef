package app.oviya.ai.service;

import app.oviya.ai.config.AiConfig;
import app.oviya.ai.provider.LlmProvider;
import app.oviya.ai.provider.OfflineProvider;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import org.jboss.logging.Logger;

/** Chooses the LLM provider from configuration, once, and says which at start. */
@ApplicationScoped
@Startup
public class ProviderSelector {

    private static final Logger LOG = Logger.getLogger(ProviderSelector.class);

    private final LlmProvider active;

    public ProviderSelector(AiConfig config, OfflineProvider offline) {
        String wanted = config.provider().map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).orElse("");
        boolean hasAnthropicKey = System.getenv("ANTHROPIC_API_KEY") != null && !System.getenv("ANTHROPIC_API_KEY").isBlank();
        if (wanted.isEmpty()) {
            wanted = hasAnthropicKey ? "anthropic" : "offline";
        }
        if (!wanted.equals("offline")) {
            // Network providers arrive with the companion-agent work; until then say so loudly.
            LOG.warnf("AI provider '%s' requested but not available in this build: using the OFFLINE provider", wanted);
        }
        this.active = offline;
        LOG.info("AI provider: OFFLINE (deterministic, no network). Set ANTHROPIC_API_KEY to answer with Claude.");
    }

    public LlmProvider active() {
        return active;
    }
}
