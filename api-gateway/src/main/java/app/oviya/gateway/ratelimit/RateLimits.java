package app.oviya.gateway.ratelimit;

import app.oviya.gateway.config.GatewayConfig;
import io.vertx.mutiny.redis.client.Redis;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The configured limiter and the limits of each plan (configuration, not code). */
@ApplicationScoped
public class RateLimits {

    private static final RateLimiter.Limits FALLBACK = new RateLimiter.Limits(10, 10);

    private final GatewayConfig config;

    public RateLimits(GatewayConfig config) {
        this.config = config;
    }

    public RateLimiter.Limits forPlan(String plan) {
        GatewayConfig.PlanLimits p = config.plans().get(plan);
        if (p == null) {
            p = config.plans().get("free");
        }
        return p == null ? FALLBACK : new RateLimiter.Limits(p.messagesPerMinute(), p.messagesPerDay());
    }

    public GatewayConfig.RateLimit settings() {
        return config.rateLimit();
    }

    @Produces
    @Singleton
    static RateLimiter limiter(Redis redis, GatewayConfig config) {
        GatewayConfig.RateLimit rl = config.rateLimit();
        return new RateLimiter(new RedisLimiterStore(redis, rl.redisTimeout(), rl.redisConnections()), rl.keyPrefix(), rl.redisRetryAfter(), Clock.systemUTC());
    }
}
