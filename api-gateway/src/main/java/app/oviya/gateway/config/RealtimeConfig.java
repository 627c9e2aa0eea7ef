package app.oviya.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * GET /v1/realtime (realtime/). The server's ping interval and frame size limit are Quarkus'
 * {@code quarkus.websockets-next.server.auto-ping-interval} and {@code max-message-size}/{@code max-frame-size}
 * (application.properties).
 */
@ConfigMapping(prefix = "oviya.gateway.realtime")
public interface RealtimeConfig {

    /** A user's live events are on the Redis pub/sub channel prefix + user id (chat-service publishes there). */
    @WithDefault("oviya:realtime:user:")
    String channelPrefix();

    /**
     * The largest client frame, in UTF-8 bytes; a larger one closes the socket with 1009. Quarkus'
     * max-message-size (higher) only bounds what is buffered before this check.
     */
    @WithDefault("4096")
    int maxFrameBytes();

    /**
     * Frames one socket may owe its client (handed to the connection, not yet written because the
     * client is not reading); one more closes the socket with 4003. Most frames are a reply delta
     * or a typing event of a few hundred bytes; a whole message is at most a few kilobytes.
     */
    @WithDefault("1000")
    int maxPendingFrames();

    /** A socket that has answered no ping and sent nothing for this long is taken for dead and closed. */
    @WithDefault("60s")
    Duration deadPeerTimeout();

    /** {@code session.expiring} is sent this long before the token's exp (at once if less is left). */
    @WithDefault("60s")
    Duration sessionExpiringNotice();

    /** Without a Redis subscription (Redis down), it is retried this often. */
    @WithDefault("2s")
    Duration redisRetryInterval();

    /** Conversations a socket remembers as the caller's, so typing frames do not each ask chat-service. */
    @WithDefault("64")
    int ownedConversationsRemembered();
}
