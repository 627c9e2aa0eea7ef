package app.oviya.chat.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "oviya.chat")
public interface ChatConfig {

    @WithDefault("60s")
    Duration replyIdleTimeout();

    /** How many earlier messages go to the AI as context. */
    @WithDefault("20")
    int contextWindow();

    @WithDefault("5")
    int memoriesPerTurn();

    /** How long an idle conversation's recent window stays in the Redis context cache. */
    @WithDefault("30m")
    Duration contextCacheTtl();
}
