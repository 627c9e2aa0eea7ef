package app.oviya.chat.service;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Without its replica chat-service still serves every read (from the primary), so this check stays
 * UP and says "degraded": taking every pod out of rotation because a replica is down would turn a
 * replica outage into a full outage. Alert on {@code degraded=true}.
 */
@Readiness
@ApplicationScoped
public class ReplicaReadiness implements AsyncHealthCheck {

    private final ReadRouter router;

    public ReplicaReadiness(ReadRouter router) {
        this.router = router;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return router.probe().map(state -> {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("read-replica").up();
            if (!state.configured()) {
                return b.withData("replica", "none").withData("degraded", false).build();
            }
            boolean healthy = state.up() && state.inRecovery();
            return b.withData("replica", state.up() ? "up" : "down")
                    .withData("detail", state.detail())
                    .withData("degraded", !healthy)
                    .build();
        });
    }
}
