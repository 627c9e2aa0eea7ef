package app.oviya.chat.client;

import app.oviya.auth.v1.AuthService;
import app.oviya.auth.v1.GetUserRequest;
import app.oviya.auth.v1.User;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;

/**
 * auth-service's GetUser as chat-service needs it: the user's custom persona and country for the AI.
 * A profile must never hold up or fail a reply: a short deadline and a circuit breaker here, the
 * brief cache and the "no profile" fallback in {@link UserProfiles}.
 * Values can be tuned in configuration, e.g. "app.oviya.chat.client.AuthClient/user/Timeout/value".
 */
@ApplicationScoped
public class AuthClient {

    private final AuthService auth;

    public AuthClient(@GrpcClient("auth") AuthService auth) {
        this.auth = auth;
    }

    @Timeout(value = 300, unit = ChronoUnit.MILLIS)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    public Uni<User> user(String userId) {
        return auth.getUser(GetUserRequest.newBuilder().setUserId(userId).build());
    }
}
