package app.oviya.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;

@ConfigMapping(prefix = "oviya.gateway")
public interface GatewayConfig {

    Jwt jwt();

    RateLimit rateLimit();

    /**
     * Proxies in front of the gateway that each append one X-Forwarded-For entry (GKE's external
     * Application Load Balancer appends two: client and load balancer). 0: the TCP peer is the
     * client and X-Forwarded-For is ignored. See {@code api.ClientAddresses}.
     */
    @WithDefault("0")
    int trustedProxyHops();

    /** Limits per plan (free, pro, premium); a plan that is not listed gets the free plan's. */
    Map<String, PlanLimits> plans();

    interface Jwt {
        String issuer();

        String audience();

        @WithDefault("30s")
        Duration clockSkew();

        @WithDefault("10s")
        Duration jwksMinRefreshInterval();
    }

    interface PlanLimits {
        /** Sustained rate of POST .../messages; the same number is the burst. */
        @WithDefault("10")
        int messagesPerMinute();

        /** Messages per UTC day; a negative number means unlimited. */
        @WithDefault("-1")
        int messagesPerDay();
    }

    interface RateLimit {
        @WithDefault("true")
        boolean enabled();

        /** Prefix of every limiter key in Redis (tests use their own). */
        @WithDefault("oviya:rl:")
        String keyPrefix();

        /** A Redis decision slower than this falls back to the local limiter. */
        @WithDefault("500ms")
        Duration redisTimeout();

        /**
         * Long-lived connections the limiter pipelines its decisions on (round robin). One is
         * enough for correctness; two let Redis work on one batch while the gateway handles the
         * answers of the other, instead of the two taking turns.
         */
        @WithDefault("2")
        int redisConnections();

        /** After a Redis failure the local limiter is used for this long before Redis is tried again. */
        @WithDefault("5s")
        Duration redisRetryAfter();

        /** POST /v1/auth/register and /v1/auth/login per client IP, per minute (also the burst). */
        @WithDefault("20")
        int authPerIpPerMinute();
    }
}
