package app.oviya.gateway.security;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Without auth-service's keys the gateway cannot let anyone in: not ready until they are loaded. */
@Readiness
@ApplicationScoped
public class JwksReadiness implements AsyncHealthCheck {

    private final JwksCache jwks;

    public JwksReadiness(JwksCache jwks) {
        this.jwks = jwks;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return jwks.ensureLoaded()
                .ifNoItem().after(Duration.ofSeconds(3)).recoverWithItem(false)
                .onFailure().recoverWithItem(false)
                .map(ok -> HealthCheckResponse.named("jwt-verification-keys").status(ok).build());
    }
}
