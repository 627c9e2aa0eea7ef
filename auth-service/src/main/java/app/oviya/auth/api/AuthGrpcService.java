package app.oviya.auth.api;

import app.oviya.auth.repository.UserAccount;
import app.oviya.auth.service.AccountService;
import app.oviya.auth.service.Plans;
import app.oviya.auth.service.SigningKeys;
import app.oviya.auth.v1.AuthResult;
import app.oviya.auth.v1.AuthService;
import app.oviya.auth.v1.GetJwksRequest;
import app.oviya.auth.v1.GetUserRequest;
import app.oviya.auth.v1.Jwks;
import app.oviya.auth.v1.LoginRequest;
import app.oviya.auth.v1.LogoutRequest;
import app.oviya.auth.v1.LogoutResponse;
import app.oviya.auth.v1.RefreshRequest;
import app.oviya.auth.v1.RegisterRequest;
import app.oviya.auth.v1.SetPlanRequest;
import app.oviya.auth.v1.User;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

@GrpcService
public class AuthGrpcService implements AuthService {

    private final AccountService accounts;
    private final SigningKeys keys;

    public AuthGrpcService(AccountService accounts, SigningKeys keys) {
        this.accounts = accounts;
        this.keys = keys;
    }

    @Override
    public Uni<AuthResult> register(RegisterRequest request) {
        return Uni.createFrom().deferred(() -> accounts.register(request.getEmail(), request.getPassword(), request.getDisplayName()))
                .map(AuthGrpcService::toResult);
    }

    @Override
    public Uni<AuthResult> login(LoginRequest request) {
        return Uni.createFrom().deferred(() -> accounts.login(request.getEmail(), request.getPassword()))
                .map(AuthGrpcService::toResult);
    }

    @Override
    public Uni<AuthResult> refresh(RefreshRequest request) {
        return Uni.createFrom().deferred(() -> accounts.refresh(request.getRefreshToken())).map(AuthGrpcService::toResult);
    }

    @Override
    public Uni<LogoutResponse> logout(LogoutRequest request) {
        return Uni.createFrom().deferred(() -> accounts.logout(request.getRefreshToken()))
                .replaceWith(LogoutResponse.getDefaultInstance());
    }

    @Override
    public Uni<Jwks> getJwks(GetJwksRequest request) {
        return Uni.createFrom().item(Jwks.newBuilder().setJson(keys.jwksJson()).build());
    }

    @Override
    public Uni<User> getUser(GetUserRequest request) {
        return Uni.createFrom().deferred(() -> accounts.get(request.getUserId())).map(AuthGrpcService::toUser);
    }

    @Override
    public Uni<User> setPlan(SetPlanRequest request) {
        return Uni.createFrom().deferred(() -> accounts.setPlan(request.getUserId(), Plans.fromProto(request.getPlan())))
                .map(AuthGrpcService::toUser);
    }

    static AuthResult toResult(AccountService.Session session) {
        return AuthResult.newBuilder()
                .setAccessToken(session.tokens().accessToken())
                .setRefreshToken(session.tokens().refreshToken())
                .setExpiresIn(session.tokens().expiresIn())
                .setUser(toUser(session.user()))
                .build();
    }

    static User toUser(UserAccount u) {
        return User.newBuilder()
                .setId(u.id.toString())
                .setEmail(u.email)
                .setDisplayName(u.displayName)
                .setPlan(Plans.toProto(u.plan))
                .setCreatedAt(u.createdAt.toString())
                .setTimezone(u.timezone)
                .build();
    }
}
