package app.oviya.ai.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

@ConfigMapping(prefix = "oviya.ai")
public interface AiConfig {

    /** offline, anthropic or openai; empty chooses anthropic when an API key is set. */
    Optional<String> provider();

    @WithDefault("v2")
    String personaVersion();

    /** Longest custom persona a premium user may set, in characters. */
    @WithDefault("1000")
    int customPersonaMaxChars();

    @WithDefault("1024")
    int maxTokens();

    /** Input token budget for persona + context + memories + message; oldest context is dropped first. */
    @WithDefault("8000")
    int promptTokenBudget();

    Crisis crisis();

    Anthropic anthropic();

    Resilience resilience();

    OpenAi openai();

    /** An OpenAI-compatible chat-completions server (vLLM, Ollama, llama.cpp, OpenAI). */
    interface OpenAi {
        @WithDefault("http://localhost:11434/v1")
        String baseUrl();

        Optional<String> apiKey();

        @WithDefault("llama3.1")
        String model();

        Optional<String> fallbackModel();

        @WithDefault("5s")
        Duration connectTimeout();

        @WithDefault("30s")
        Duration firstTokenTimeout();

        @WithDefault("30s")
        Duration idleTimeout();
    }

    Admission admission();

    ResponseCache responseCache();

    /**
     * USD per million tokens by model: "input,output,cache-write,cache-read". Models not listed cost 0 (offline,
     * self-hosted). Override as oviya.ai.prices."model-name"=3,15,3.75,0.30
     */
    @WithDefault("")
    Map<String, String> prices();

    interface ResponseCache {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("6h")
        Duration ttl();

        @WithDefault("oviya:ai:reply")
        String keyPrefix();
    }

    /** Budgets toward the provider, shared by all replicas through Redis. */
    interface Admission {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("50")
        long requestsPerMinute();

        @WithDefault("400000")
        long tokensPerMinute();

        /** Waiting requests across all replicas; beyond this the answer is "unavailable, retry in n s". */
        @WithDefault("200")
        int maxQueue();

        @WithDefault("10s")
        Duration maxWait();

        @WithDefault("100ms")
        Duration pollInterval();

        @WithDefault("oviya:ai:admission")
        String keyPrefix();

        /**
         * This replica's share of the budgets when Redis is down and it cannot see the others (about
         * 1/replicas; the chart runs at least 3). The local limiter keeps the provider protected.
         */
        @WithDefault("0.33")
        double localShare();
    }

    interface Crisis {
        @WithDefault("US")
        String defaultCountry();

        /** Crisis resources per ISO country code (lower case keys), e.g. oviya.ai.crisis.resources.gb=... */
        @WithDefault("")
        Map<String, String> resources();

        /** The embedding check in addition to the phrase list (SemanticCrisisDetector). */
        Semantic semantic();

        interface Semantic {
            @WithDefault("true")
            boolean enabled();

            /**
             * Minimum cosine similarity to the closest crisis prototype. Default picked on crisis/dev.tsv by the
             * best F2 (recall weighs more: a missed crisis costs more than helpline numbers shown once too often).
             */
            @WithDefault("0.45")
            double threshold();

            /** How much closer to a crisis prototype than to any benign one. */
            @WithDefault("0.0")
            double margin();
        }
    }

    interface Anthropic {
        /** From ANTHROPIC_API_KEY; never logged. */
        Optional<String> apiKey();

        @WithDefault("https://api.anthropic.com")
        String baseUrl();

        @WithDefault("claude-sonnet-4-5")
        String model();

        /** The smaller model tried when the main one answers 429/529. Empty disables the fallback. */
        @WithDefault("claude-haiku-4-5")
        Optional<String> fallbackModel();

        @WithDefault("5s")
        Duration connectTimeout();

        /** No first token within this time: the attempt fails as a timeout (and may be retried). */
        @WithDefault("20s")
        Duration firstTokenTimeout();

        /** No data at all within this time once streaming: the stream is cut. */
        @WithDefault("30s")
        Duration idleTimeout();

        @WithDefault("true")
        boolean promptCaching();
    }

    interface Resilience {
        @WithDefault("2")
        int maxRetries();

        @WithDefault("500ms")
        Duration initialBackoff();

        @WithDefault("8s")
        Duration maxBackoff();

        /** A retry-after longer than this is not waited for: fall back or answer "try again later". */
        @WithDefault("20s")
        Duration maxRetryAfter();

        @WithDefault("5")
        int breakerFailureThreshold();

        @WithDefault("30s")
        Duration breakerDelay();
    }
}
