package app.oviya.gateway.ratelimit;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Without Redis the gateway still serves (limits are then kept per replica), so this check stays
 * UP and says "degraded": taking every replica out of the load balancer because the shared
 * limiter is gone would turn a Redis outage into a full outage. Alert on {@code degraded=true}.
 */
@Readiness
@ApplicationScoped
public class RateLimiterReadiness implements AsyncHealthCheck {

    private final RateLimiter limiter;

    public RateLimiterReadiness(RateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return limiter.probe().map(redisUp -> HealthCheckResponse.named("rate-limiter").up()
                .withData("store", redisUp ? "redis" : "local-memory")
                .withData("degraded", !redisUp)
                .build());
    }
}
