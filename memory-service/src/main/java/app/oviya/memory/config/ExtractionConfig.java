package app.oviya.memory.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** How memories are extracted from a user turn: rules, a language model, or the model when one is configured. */
@ConfigMapping(prefix = "oviya.extraction")
public interface ExtractionConfig {

    /** rules | llm | auto (llm when a provider is configured, else rules). */
    @WithDefault("auto")
    String mode();

    /** anthropic | openai; empty: anthropic when ANTHROPIC_API_KEY is set, else openai when OPENAI_BASE_URL is set. */
    Optional<String> provider();

    Anthropic anthropic();

    OpenAi openai();

    /** Per attempt. */
    @WithDefault("3s")
    Duration timeout();

    /**
     * The whole model step, retries and waits included; past it the rules extract the turn. chat-service
     * gives ExtractFromTurn 5 s, and embedding and storing need some of that.
     */
    @WithDefault("3500ms")
    Duration budget();

    @WithDefault("2")
    int maxRetries();

    /** First backoff; doubles per retry. */
    @WithDefault("200ms")
    Duration retryBackoff();

    /** A retry-after longer than this is not waited for: the rules extract the turn instead. */
    @WithDefault("1s")
    Duration maxRetryAfter();

    @WithDefault("1024")
    int maxTokens();

    /** At most this many memories from one turn; more are dropped. */
    @WithDefault("10")
    int maxMemories();

    /** Longer model content is cut at a word boundary. */
    @WithDefault("300")
    int maxContentChars();

    /** Only this much of a long user message is sent to the model. */
    @WithDefault("4000")
    int maxInputChars();

    /** Model calls in flight at once; beyond that they wait in a queue of {@link #queue()}, then fall back to the rules. */
    @WithDefault("8")
    int concurrency();

    @WithDefault("32")
    int queue();

    CircuitBreaker circuitBreaker();

    interface CircuitBreaker {
        @WithDefault("20")
        int requestVolume();

        @WithDefault("0.5")
        double failureRatio();

        @WithDefault("30s")
        Duration delay();
    }

    interface Anthropic {
        /** Secret: ANTHROPIC_API_KEY, from the environment only. */
        Optional<String> apiKey();

        @WithDefault("https://api.anthropic.com")
        String baseUrl();

        /** A small, cheap model: extraction is one short structured answer per user turn. */
        @WithDefault("claude-haiku-4-5")
        String model();
    }

    interface OpenAi {
        /** Including /v1, as for ai-service (OPENAI_BASE_URL); empty means not configured. */
        Optional<String> baseUrl();

        Optional<String> apiKey();

        @WithDefault("gpt-4o-mini")
        String model();

        /** json_schema (response_format) or tools (a forced function call), whichever the server supports. */
        @WithDefault("json_schema")
        String structuredOutput();
    }

    /** What configuration resolves to: the extractor, and for llm the provider. */
    record Choice(String extractor, String provider, String why) {
    }

    /** Resolves mode and provider; throws, with the fix in the message, when llm is asked for but cannot work. */
    static Choice choose(String mode, Optional<String> provider, boolean anthropicKey, boolean openAiUrl) {
        String m = mode.strip().toLowerCase(Locale.ROOT);
        if (!m.equals("rules") && !m.equals("llm") && !m.equals("auto")) {
            throw new IllegalStateException("oviya.extraction.mode (MEMORY_EXTRACTION) must be rules, llm or auto, not '" + mode + "'");
        }
        if (m.equals("rules")) {
            return new Choice("rules", null, "MEMORY_EXTRACTION=rules");
        }
        String p = provider.map(s -> s.strip().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).orElse("");
        if (!p.isEmpty() && !p.equals("anthropic") && !p.equals("openai")) {
            throw new IllegalStateException("oviya.extraction.provider (MEMORY_EXTRACTION_PROVIDER) must be anthropic or openai, not '" + p + "'");
        }
        if (p.isEmpty()) {
            p = anthropicKey ? "anthropic" : openAiUrl ? "openai" : "";
        }
        boolean usable = p.equals("anthropic") ? anthropicKey : p.equals("openai") && openAiUrl;
        if (usable) {
            return new Choice("llm", p, "MEMORY_EXTRACTION=" + m + ", provider " + p + " configured");
        }
        String missing = p.equals("openai") ? "OPENAI_BASE_URL" : "ANTHROPIC_API_KEY (or OPENAI_BASE_URL)";
        if (m.equals("llm")) {
            throw new IllegalStateException("MEMORY_EXTRACTION=llm needs a model provider: set " + missing
                    + ", or use MEMORY_EXTRACTION=auto to fall back to the rules");
        }
        return new Choice("rules", null, "MEMORY_EXTRACTION=auto and no " + missing + " set");
    }
}
