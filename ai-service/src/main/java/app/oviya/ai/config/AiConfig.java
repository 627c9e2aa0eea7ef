package app.oviya.ai.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;
import java.util.Optional;

@ConfigMapping(prefix = "oviya.ai")
public interface AiConfig {

    /** offline, anthropic or openai; empty chooses anthropic when an API key is set. */
    Optional<String> provider();

    @WithDefault("v1")
    String personaVersion();

    @WithDefault("1024")
    int maxTokens();

    Crisis crisis();

    interface Crisis {
        @WithDefault("US")
        String defaultCountry();

        /** Crisis resources per ISO country code. */
        @WithDefault("")
        Map<String, String> resources();
    }
}
