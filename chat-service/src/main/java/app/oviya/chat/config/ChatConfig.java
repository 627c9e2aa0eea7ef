package app.oviya.chat.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "oviya.chat")
public interface ChatConfig {

    @WithDefault("300ms")
    Duration memorySearchTimeout();

    @WithDefault("30s")
    Duration replyFirstEventTimeout();

    @WithDefault("60s")
    Duration replyIdleTimeout();

    /** How many earlier messages go to the AI as context. */
    @WithDefault("20")
    int contextWindow();

    @WithDefault("5")
    int memoriesPerTurn();

    Extraction extraction();

    interface Extraction {
        @WithDefault("3")
        int attempts();

        @WithDefault("500ms")
        Duration backoff();
    }
}
