package app.oviya.gateway.client;

import app.oviya.auth.v1.AccountExport;
import app.oviya.auth.v1.AuthResult;
import app.oviya.auth.v1.DeleteAccountRequest;
import app.oviya.auth.v1.ExportAccountRequest;
import app.oviya.auth.v1.UpdateProfileRequest;
import app.oviya.auth.v1.AuthService;
import app.oviya.auth.v1.GetJwksRequest;
import app.oviya.auth.v1.GetUserRequest;
import app.oviya.auth.v1.LoginRequest;
import app.oviya.auth.v1.LogoutRequest;
import app.oviya.auth.v1.RefreshRequest;
import app.oviya.auth.v1.RegisterRequest;
import app.oviya.auth.v1.User;
import app.oviya.common.error.GrpcErrors;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

/** auth-service as the gateway uses it; failures arrive as domain exceptions. */
@ApplicationScoped
public class AuthClient {

    private final AuthService auth;

    public AuthClient(@GrpcClient("auth") AuthService auth) {
        this.auth = auth;
    }

    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    public Uni<AuthResult> register(String email, String password, String displayName, String clientIp) {
        return auth.register(RegisterRequest.newBuilder().setEmail(nz(email)).setPassword(nz(password))
                .setDisplayName(nz(displayName)).setClientIp(nz(clientIp)).build()).onFailure().transform(GrpcErrors::fromGrpc);
    }

    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    public Uni<AuthResult> login(String email, String password, String clientIp) {
        return auth.login(LoginRequest.newBuilder().setEmail(nz(email)).setPassword(nz(password)).setClientIp(nz(clientIp)).build())
                .onFailure().transform(GrpcErrors::fromGrpc);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<AuthResult> refresh(String refreshToken) {
        return auth.refresh(RefreshRequest.newBuilder().setRefreshToken(nz(refreshToken)).build())
                .onFailure().transform(GrpcErrors::fromGrpc);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<Void> logout(String refreshToken) {
        return auth.logout(LogoutRequest.newBuilder().setRefreshToken(nz(refreshToken)).build()).replaceWithVoid()
                .onFailure().transform(GrpcErrors::fromGrpc);
    }

    @Timeout(value = 3, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 200, jitter = 100)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    public Uni<String> jwks() {
        return auth.getJwks(GetJwksRequest.getDefaultInstance()).map(j -> j.getJson())
                .onFailure().transform(GrpcErrors::fromGrpc);
    }

    @Timeout(value = 3, unit = ChronoUnit.SECONDS)
    public Uni<User> user(String userId) {
        return auth.getUser(GetUserRequest.newBuilder().setUserId(userId).build()).onFailure().transform(GrpcErrors::fromGrpc);
    }

    /** The persona and country a send carries: a short deadline, because the turn goes on without them. */
    @Timeout(value = 300, unit = ChronoUnit.MILLIS)
    public Uni<User> profile(String userId) {
        return auth.getUser(GetUserRequest.newBuilder().setUserId(userId).build()).onFailure().transform(GrpcErrors::fromGrpc);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<User> updateProfile(String userId, String displayName, String timezone, String persona, String country) {
        UpdateProfileRequest.Builder b = UpdateProfileRequest.newBuilder().setUserId(userId);
        if (displayName != null) {
            b.setDisplayName(displayName);
        }
        if (timezone != null) {
            b.setTimezone(timezone);
        }
        if (persona != null) {
            b.setPersona(persona);
        }
        if (country != null) {
            b.setCountry(country);
        }
        return auth.updateProfile(b.build()).onFailure().transform(GrpcErrors::fromGrpc);
    }

    /** Idempotent: true when the account existed. */
    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    public Uni<Boolean> deleteAccount(String userId) {
        return auth.deleteAccount(DeleteAccountRequest.newBuilder().setUserId(userId).build()).map(r -> r.getDeleted())
                .onFailure().transform(GrpcErrors::fromGrpc);
    }

    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    public Uni<AccountExport> exportAccount(String userId) {
        return auth.exportAccount(ExportAccountRequest.newBuilder().setUserId(userId).build()).onFailure().transform(GrpcErrors::fromGrpc);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
