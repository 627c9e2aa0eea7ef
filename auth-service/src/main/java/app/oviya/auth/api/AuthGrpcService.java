package app.oviya.auth.api;

import app.oviya.auth.repository.RefreshToken;
import app.oviya.auth.repository.UserAccount;
import app.oviya.auth.v1.AccountExport;
import app.oviya.auth.v1.DeleteAccountRequest;
import app.oviya.auth.v1.DeleteAccountResponse;
import app.oviya.auth.v1.ExportAccountRequest;
import app.oviya.auth.v1.SessionRecord;
import app.oviya.auth.v1.UpdateProfileRequest;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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
        return Uni.createFrom().deferred(() -> accounts.login(request.getEmail(), request.getPassword(), request.getClientIp()))
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

    @Override
    public Uni<User> updateProfile(UpdateProfileRequest request) {
        return Uni.createFrom().deferred(() -> accounts.updateProfile(request.getUserId(),
                        request.hasDisplayName() ? request.getDisplayName() : null,
                        request.hasTimezone() ? request.getTimezone() : null,
                        request.hasPersona() ? request.getPersona() : null,
                        request.hasCountry() ? request.getCountry() : null))
                .map(AuthGrpcService::toUser);
    }

    @Override
    public Uni<DeleteAccountResponse> deleteAccount(DeleteAccountRequest request) {
        return Uni.createFrom().deferred(() -> accounts.delete(request.getUserId()))
                .map(deleted -> DeleteAccountResponse.newBuilder().setDeleted(deleted).build());
    }

    @Override
    public Uni<AccountExport> exportAccount(ExportAccountRequest request) {
        return Uni.createFrom().deferred(() -> accounts.export(request.getUserId())).map(data -> {
            AccountExport.Builder b = AccountExport.newBuilder()
                    .setUser(toUser(data.user()))
                    .setUpdatedAt(data.user().updatedAt.toString());
            // One session per refresh-token family: when it started, when it was last rotated.
            Map<UUID, List<RefreshToken>> families = new LinkedHashMap<>();
            for (RefreshToken t : data.sessions()) {
                families.computeIfAbsent(t.familyId, k -> new ArrayList<>()).add(t);
            }
            for (Map.Entry<UUID, List<RefreshToken>> f : families.entrySet()) {
                List<RefreshToken> tokens = f.getValue();
                RefreshToken first = tokens.get(0);
                RefreshToken last = tokens.get(tokens.size() - 1);
                b.addSessions(SessionRecord.newBuilder()
                        .setSessionId(f.getKey().toString())
                        .setStartedAt(first.createdAt.toString())
                        .setLastUsedAt(last.createdAt.toString())
                        .setExpiresAt(last.expiresAt.toString())
                        .setRevoked(tokens.stream().anyMatch(t -> t.revokedAt != null))
                        .build());
            }
            return b.build();
        });
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
                .setPersona(u.persona == null ? "" : u.persona)
                .setCountry(u.country == null ? "" : u.country)
                .build();
    }
}
