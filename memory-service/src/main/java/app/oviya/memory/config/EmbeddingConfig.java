package app.oviya.memory.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Which embedding model turns text into vectors, and how hard to try. */
@ConfigMapping(prefix = "oviya.embedding")
public interface EmbeddingConfig {

    enum Provider { LOCAL, OPENAI }

    /** local: in-process all-MiniLM-L6-v2 (quantized); openai: an OpenAI-compatible /v1/embeddings API. */
    @WithDefault("local")
    String provider();

    /** Must match the vector(N) column; checked at start. */
    @WithDefault("384")
    int dimension();

    /** Worker threads for the in-process model; 0 means one per core. */
    @WithDefault("0")
    int threads();

    /** Embeddings waiting for a worker beyond this are refused (UNAVAILABLE) rather than queued forever. */
    @WithDefault("256")
    int queue();

    @WithDefault("https://api.openai.com")
    String baseUrl();

    Optional<String> apiKey();

    @WithDefault("text-embedding-3-small")
    String model();

    /** Per attempt, for the hosted API. */
    @WithDefault("2s")
    Duration timeout();

    @WithDefault("2")
    int maxRetries();

    @WithDefault("100ms")
    Duration retryBackoff();

    default Provider providerKind() {
        return switch (provider().strip().toLowerCase(java.util.Locale.ROOT)) {
            case "local" -> Provider.LOCAL;
            case "openai" -> Provider.OPENAI;
            default -> throw new IllegalStateException(
                    "oviya.embedding.provider (EMBEDDING_PROVIDER) must be 'local' or 'openai', not '" + provider() + "'");
        };
    }
}
