package app.oviya.ai.service;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of admission control. Always UP: when Redis is down the local limiter protects the
 * provider, and DOWN would take every replica out of the load balancer at once. {@code degraded=true,
 * store=local-memory} says so; alert on it.
 */
@Readiness
@ApplicationScoped
public class AdmissionReadiness implements HealthCheck {

    private final ProviderSelector providers;

    public AdmissionReadiness(ProviderSelector providers) {
        this.providers = providers;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("ai-admission-control").up();
        AdmissionController admission = providers.admission();
        if (admission == null) {
            return b.withData("store", "none").withData("degraded", false).build();
        }
        boolean down = admission.redisDown();
        return b.withData("store", down ? "local-memory" : "redis").withData("degraded", down).build();
    }
}
