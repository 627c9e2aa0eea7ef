package app.oviya.auth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import app.oviya.auth.v1.AuthResult;
import app.oviya.auth.v1.AuthServiceGrpc;
import app.oviya.auth.v1.LoginRequest;
import app.oviya.auth.v1.LogoutRequest;
import app.oviya.auth.v1.Plan;
import app.oviya.auth.v1.RefreshRequest;
import app.oviya.auth.v1.RegisterRequest;
import app.oviya.auth.v1.SetPlanRequest;
import app.oviya.common.testing.GrpcTestSupport;
import io.agroal.api.AgroalDataSource;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.jose4j.jwk.JsonWebKeySet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Refresh-token rotation, reuse detection and logout, over real gRPC. */
@QuarkusTest
class RefreshTokenTest {

    static final String PASSWORD = "correct horse battery staple";

    @TestHTTPResource("/")
    URL url;

    @Inject
    AgroalDataSource db;

    ManagedChannel channel;
    AuthServiceGrpc.AuthServiceBlockingStub auth;

    @BeforeEach
    void connect() {
        channel = GrpcTestSupport.channel(url.getPort());
        auth = AuthServiceGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void disconnect() {
        GrpcTestSupport.close(channel);
    }

    AuthResult register(String email) {
        return auth.register(RegisterRequest.newBuilder().setEmail(email).setPassword(PASSWORD).build());
    }

    AuthResult refresh(String token) {
        return auth.refresh(RefreshRequest.newBuilder().setRefreshToken(token).build());
    }

    static String email() {
        return "refresh-" + UUID.randomUUID() + "@example.com";
    }

    @Test
    void refreshRotatesTheTokenAndTheOldOneStopsWorking() throws Exception {
        AuthResult first = register(email());
        AuthResult second = refresh(first.getRefreshToken());

        assertNotEquals(first.getRefreshToken(), second.getRefreshToken());
        assertFalse(second.getAccessToken().isBlank());
        assertEquals(first.getUser().getId(), second.getUser().getId());
        // Same session family, the first token marked rotated.
        UUID family = familyOf(first.getRefreshToken());
        assertEquals(family, familyOf(second.getRefreshToken()));
        assertNotNull(queryString("select rotated_at::text from refresh_tokens where token_hash = ?", sha256(first.getRefreshToken())));

        StatusRuntimeException reused = assertThrows(StatusRuntimeException.class, () -> refresh(first.getRefreshToken()));
        assertUnauthenticated(reused);
    }

    @Test
    void reusingARotatedTokenRevokesTheWholeFamilyButNotOtherSessions() throws Exception {
        String email = email();
        AuthResult first = register(email);
        AuthResult otherSession = auth.login(LoginRequest.newBuilder().setEmail(email).setPassword(PASSWORD).build());
        AuthResult second = refresh(first.getRefreshToken());
        AuthResult third = refresh(second.getRefreshToken());

        // An attacker (or a confused client) presents a token that was already rotated.
        assertUnauthenticated(assertThrows(StatusRuntimeException.class, () -> refresh(first.getRefreshToken())));

        // The revocation is committed: the newest token of that family no longer works either.
        UUID family = familyOf(third.getRefreshToken());
        assertEquals(0, queryLong("select count(*) from refresh_tokens where family_id = ? and revoked_at is null", family));
        assertUnauthenticated(assertThrows(StatusRuntimeException.class, () -> refresh(third.getRefreshToken())));

        // Another login of the same user is a different family and keeps working.
        AuthResult rotatedOther = refresh(otherSession.getRefreshToken());
        assertEquals(first.getUser().getId(), rotatedOther.getUser().getId());
    }

    @Test
    void refreshTokensAreStoredOnlyAsHashes() throws Exception {
        AuthResult result = register(email());
        String token = result.getRefreshToken();
        assertEquals(0, queryLong("select count(*) from refresh_tokens where token_hash = ?", token));
        assertEquals(1, queryLong("select count(*) from refresh_tokens where token_hash = ?", sha256(token)));
    }

    @Test
    void refreshedAccessTokenCarriesTheCurrentPlan() throws Exception {
        AuthResult first = register(email());
        auth.setPlan(SetPlanRequest.newBuilder().setUserId(first.getUser().getId()).setPlan(Plan.PLAN_PREMIUM).build());
        AuthResult refreshed = refresh(first.getRefreshToken());
        assertEquals(Plan.PLAN_PREMIUM, refreshed.getUser().getPlan());
        JsonWebKeySet jwks = new JsonWebKeySet(auth.getJwks(app.oviya.auth.v1.GetJwksRequest.getDefaultInstance()).getJson());
        assertEquals("premium", AuthGrpcServiceTest.verifier(jwks).processToClaims(refreshed.getAccessToken()).getStringClaimValue("plan"));
    }

    @Test
    void logoutRevokesTheSessionAndIsIdempotent() throws Exception {
        AuthResult session = register(email());
        AuthResult rotated = refresh(session.getRefreshToken());

        auth.logout(LogoutRequest.newBuilder().setRefreshToken(rotated.getRefreshToken()).build());
        assertEquals(0, queryLong("select count(*) from refresh_tokens where family_id = ? and revoked_at is null",
                familyOf(rotated.getRefreshToken())));
        assertUnauthenticated(assertThrows(StatusRuntimeException.class, () -> refresh(rotated.getRefreshToken())));

        // Logging out again, or with a token the server never issued, is harmless.
        auth.logout(LogoutRequest.newBuilder().setRefreshToken(rotated.getRefreshToken()).build());
        auth.logout(LogoutRequest.newBuilder().setRefreshToken("never-issued-" + UUID.randomUUID()).build());
    }

    @Test
    void unknownAndBlankRefreshTokensAreRejectedClearly() {
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> refresh("never-issued-" + UUID.randomUUID()));
        assertUnauthenticated(unknown);

        for (String blank : List.of("", "   ", "x".repeat(201))) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> refresh(blank));
            assertEquals(Status.Code.INVALID_ARGUMENT, GrpcTestSupport.statusCode(e), blank);
            assertEquals("validation_failed", GrpcTestSupport.errorCode(e), blank);
        }
        StatusRuntimeException blankLogout = assertThrows(StatusRuntimeException.class,
                () -> auth.logout(LogoutRequest.newBuilder().setRefreshToken("").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, GrpcTestSupport.statusCode(blankLogout));
        assertEquals("validation_failed", GrpcTestSupport.errorCode(blankLogout));
    }

    static void assertUnauthenticated(StatusRuntimeException e) {
        assertEquals(Status.Code.UNAUTHENTICATED, GrpcTestSupport.statusCode(e));
        assertEquals("unauthorized", GrpcTestSupport.errorCode(e));
        assertNotNull(e.getStatus().getDescription());
    }

    UUID familyOf(String refreshToken) throws Exception {
        String family = queryString("select family_id::text from refresh_tokens where token_hash = ?", sha256(refreshToken));
        assertNotNull(family, "refresh token must be stored");
        return UUID.fromString(family);
    }

    static String sha256(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    String queryString(String sql, Object param) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    long queryLong(String sql, Object param) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
