package app.oviya.chat.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

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

    /** The optional read replica for lag-tolerant reads (conversation list, message history). */
    Replica replica();

    interface Replica {

        /** Host of the streaming replica; none means every read goes to the primary. */
        Optional<String> host();

        @WithDefault("5432")
        int port();

        /** Same database, role and password as the primary's. */
        String database();

        String username();

        String password();

        /** A replica read that takes longer (connecting included) is answered by the primary instead. */
        @WithDefault("500ms")
        Duration timeout();

        /** After a failed replica read, reads skip the replica for this long (no timeout paid per read while it is down). */
        @WithDefault("5s")
        Duration retryAfter();

        @WithDefault("10")
        int poolSize();

        /**
         * How long a user's reads are checked against their last write's WAL position. Replica lag
         * beyond this breaks read-your-writes, so keep it well above the lag you tolerate.
         */
        @WithDefault("60s")
        Duration readYourWritesTtl();
    }
}
