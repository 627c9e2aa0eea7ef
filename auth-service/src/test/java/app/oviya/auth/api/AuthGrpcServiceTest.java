package app.oviya.auth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.auth.v1.AuthResult;
import app.oviya.auth.v1.AuthServiceGrpc;
import app.oviya.auth.v1.GetJwksRequest;
import app.oviya.auth.v1.GetUserRequest;
import app.oviya.auth.v1.LoginRequest;
import app.oviya.auth.v1.Plan;
import app.oviya.auth.v1.RegisterRequest;
import app.oviya.auth.v1.SetPlanRequest;
import app.oviya.auth.v1.User;
import app.oviya.common.testing.GrpcTestSupport;
import io.agroal.api.AgroalDataSource;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Registration, login, JWT/JWKS, users and plans, over real gRPC against the oviya_auth_test database. */
@QuarkusTest
class AuthGrpcServiceTest {

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

    static String randomEmail() {
        return "user-" + UUID.randomUUID() + "@example.com";
    }

    AuthResult register(String email, String password) {
        return auth.register(RegisterRequest.newBuilder().setEmail(email).setPassword(password).build());
    }

    // --- registration and tokens ---------------------------------------------------------------

    @Test
    void registerReturnsTokensAndAFreeUserAndStoresAnArgon2Hash() throws Exception {
        String email = randomEmail();
        AuthResult result = auth.register(RegisterRequest.newBuilder()
                .setEmail(email).setPassword(PASSWORD).setDisplayName("  Asha  ").build());

        assertFalse(result.getAccessToken().isBlank());
        assertFalse(result.getRefreshToken().isBlank());
        assertEquals(900, result.getExpiresIn());
        User user = result.getUser();
        assertEquals(email, user.getEmail());
        assertEquals("Asha", user.getDisplayName());
        assertEquals(Plan.PLAN_FREE, user.getPlan());
        assertEquals("UTC", user.getTimezone());
        UUID id = UUID.fromString(user.getId());
        Instant.parse(user.getCreatedAt());

        String hash = queryString("select password_hash from users where id = ?", id);
        assertNotNull(hash, "user row must be stored");
        assertTrue(hash.startsWith("$argon2id$"), hash);
        assertNotEquals(PASSWORD, hash);
        assertFalse(hash.contains(PASSWORD));
        assertEquals("free", queryString("select plan from users where id = ?", id));
        assertEquals(1, queryLong("select count(*) from refresh_tokens where user_id = ?", id));
    }

    @Test
    void displayNameDefaultsToTheLocalPartOfTheEmail() {
        String local = "nameless-" + UUID.randomUUID();
        AuthResult result = register(local + "@example.com", PASSWORD);
        assertEquals(local, result.getUser().getDisplayName());
    }

    @Test
    void accessTokenIsAnRs256JwtVerifiableWithThePublishedJwks() throws Exception {
        String email = randomEmail();
        AuthResult result = register(email, PASSWORD);
        String token = result.getAccessToken();

        String jwksJson = auth.getJwks(GetJwksRequest.getDefaultInstance()).getJson();
        JsonWebKeySet jwks = new JsonWebKeySet(jwksJson);
        assertFalse(jwks.getJsonWebKeys().isEmpty());
        for (JsonWebKey k : jwks.getJsonWebKeys()) {
            assertEquals("RSA", k.getKeyType());
            assertFalse(jwksJson.contains("\"d\""), "JWKS must not publish the private exponent");
        }

        // The header names a key that the JWKS publishes.
        JwtContext unverified = new JwtConsumerBuilder().setSkipAllValidators().setDisableRequireSignature()
                .setSkipSignatureVerification().build().process(token);
        String kid = unverified.getJoseObjects().get(0).getKeyIdHeaderValue();
        assertNotNull(kid);
        assertEquals("RS256", unverified.getJoseObjects().get(0).getAlgorithmHeaderValue());
        assertTrue(jwks.getJsonWebKeys().stream().anyMatch(k -> kid.equals(k.getKeyId())), "kid " + kid + " not in " + jwksJson);

        JwtClaims claims = verifier(jwks).processToClaims(token);
        assertEquals("https://oviya.app", claims.getIssuer());
        assertEquals(List.of("oviya-api"), claims.getAudience());
        assertEquals(result.getUser().getId(), claims.getSubject());
        assertEquals("free", claims.getStringClaimValue("plan"));
        assertNotNull(claims.getJwtId());
        long iat = claims.getIssuedAt().getValue();
        long exp = claims.getExpirationTime().getValue();
        assertEquals(900, exp - iat, "access tokens live 15 minutes");
        long now = Instant.now().getEpochSecond();
        assertTrue(Math.abs(iat - now) < 120, "iat " + iat + " vs now " + now);

        // Two logins never share a jti.
        String other = auth.login(LoginRequest.newBuilder().setEmail(email).setPassword(PASSWORD).build()).getAccessToken();
        assertNotEquals(claims.getJwtId(), verifier(jwks).processToClaims(other).getJwtId());
    }

    @Test
    void aTamperedAccessTokenDoesNotVerify() throws Exception {
        String token = register(randomEmail(), PASSWORD).getAccessToken();
        JsonWebKeySet jwks = new JsonWebKeySet(auth.getJwks(GetJwksRequest.getDefaultInstance()).getJson());
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]));
        assertTrue(payload.contains("\"plan\":\"free\""), payload);
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.replace("\"plan\":\"free\"", "\"plan\":\"premium\"").getBytes()) + "." + parts[2];
        assertThrows(InvalidJwtException.class, () -> verifier(jwks).processToClaims(forged));
    }

    static JwtConsumer verifier(JsonWebKeySet jwks) {
        return new JwtConsumerBuilder()
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(jwks.getJsonWebKeys()))
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, "RS256")
                .setExpectedIssuer("https://oviya.app")
                .setExpectedAudience("oviya-api")
                .setRequireSubject()
                .setRequireJwtId()
                .setRequireIssuedAt()
                .setRequireExpirationTime()
                .build();
    }

    // --- bad input -----------------------------------------------------------------------------

    @Test
    void malformedEmailsAreRejectedAndNothingIsStored() throws Exception {
        String marker = UUID.randomUUID().toString();
        List<String> bad = List.of(
                "",
                "   ",
                "plain-" + marker,
                "no-at-sign-" + marker + ".example.com",
                "two@@" + marker + ".com",
                "a" + marker + "@",
                "@" + marker + ".com",
                "user@" + marker,
                "with space " + marker + "@example.com",
                "user@exa mple-" + marker + ".com",
                "user@-" + marker + ".com",
                "user@" + marker + ".c",
                "x".repeat(65) + marker + "@example.com");
        for (String email : bad) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> register(email, PASSWORD), email);
            assertValidation(e, email);
        }
        assertEquals(0, queryLong("select count(*) from users where email like ?", "%" + marker + "%"));
    }

    @Test
    void weakPasswordsAreRejectedAndNothingIsStored() throws Exception {
        String email = randomEmail();
        String local = email.substring(0, email.indexOf('@'));
        List<String> bad = List.of(
                "",
                "Short1!",
                "123456789", // one below the minimum length of 10
                "password12", // in common-passwords.txt
                "PASSWORD12", // compared case-insensitively
                "1q2w3e4r5t",
                email,
                email.toUpperCase(),
                local,
                "x".repeat(257));
        for (String password : bad) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> register(email, password), password);
            assertValidation(e, password);
        }
        assertEquals(0, queryLong("select count(*) from users where email = ?", email));
    }

    @Test
    void tooLongDisplayNameIsRejected() throws Exception {
        String email = randomEmail();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> auth.register(RegisterRequest.newBuilder()
                .setEmail(email).setPassword(PASSWORD).setDisplayName("n".repeat(101)).build()));
        assertValidation(e, "display name");
        assertEquals(0, queryLong("select count(*) from users where email = ?", email));
    }

    @Test
    void duplicateEmailIsAConflictWhateverTheCaseOrWhitespace() throws Exception {
        String email = randomEmail();
        String firstId = register(email, PASSWORD).getUser().getId();
        for (String again : List.of(email, email.toUpperCase(), "  " + email + "\t", "User" + email.substring(4))) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> register(again, PASSWORD + "!"), again);
            assertEquals(Status.Code.ALREADY_EXISTS, GrpcTestSupport.statusCode(e), again);
            assertEquals("conflict", GrpcTestSupport.errorCode(e), again);
        }
        assertEquals(1, queryLong("select count(*) from users where email = ?", email));
        assertEquals(firstId, queryString("select id::text from users where email = ?", email));
    }

    @Test
    void emailIsStoredNormalised() throws Exception {
        String email = randomEmail();
        AuthResult result = register("  " + email.toUpperCase() + " ", PASSWORD);
        assertEquals(email, result.getUser().getEmail());
        assertEquals(email, queryString("select email from users where id = ?", UUID.fromString(result.getUser().getId())));
    }

    // --- login ---------------------------------------------------------------------------------

    @Test
    void loginWithTheRightPasswordReturnsANewTokenPair() throws Exception {
        String email = randomEmail();
        AuthResult registered = register(email, PASSWORD);
        AuthResult login = auth.login(LoginRequest.newBuilder().setEmail(" " + email.toUpperCase()).setPassword(PASSWORD).build());
        assertEquals(registered.getUser().getId(), login.getUser().getId());
        assertFalse(login.getAccessToken().isBlank());
        assertNotEquals(registered.getRefreshToken(), login.getRefreshToken());
        assertEquals(2, queryLong("select count(*) from refresh_tokens where user_id = ?", UUID.fromString(login.getUser().getId())));
    }

    @Test
    void wrongPasswordAndUnknownEmailFailTheSameWay() {
        String email = randomEmail();
        register(email, PASSWORD);
        StatusRuntimeException wrong = assertThrows(StatusRuntimeException.class,
                () -> auth.login(LoginRequest.newBuilder().setEmail(email).setPassword(PASSWORD + "x").build()));
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
                () -> auth.login(LoginRequest.newBuilder().setEmail(randomEmail()).setPassword(PASSWORD).build()));
        for (StatusRuntimeException e : List.of(wrong, unknown)) {
            assertEquals(Status.Code.UNAUTHENTICATED, GrpcTestSupport.statusCode(e));
            assertEquals("unauthorized", GrpcTestSupport.errorCode(e));
        }
        assertNotNull(wrong.getStatus().getDescription());
        assertEquals(wrong.getStatus().getDescription(), unknown.getStatus().getDescription());
    }

    @Test
    void loginWithoutPasswordIsInvalid() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> auth.login(LoginRequest.newBuilder().setEmail(randomEmail()).build()));
        assertValidation(e, "empty password");
    }

    // --- users and plans -----------------------------------------------------------------------

    @Test
    void getUserReturnsTheProfileAndUnknownIdsAreNotFound() {
        AuthResult registered = register(randomEmail(), PASSWORD);
        User user = auth.getUser(GetUserRequest.newBuilder().setUserId(registered.getUser().getId()).build());
        assertEquals(registered.getUser(), user);

        for (String id : List.of(UUID.randomUUID().toString(), "not-a-uuid", "")) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> auth.getUser(GetUserRequest.newBuilder().setUserId(id).build()), id);
            assertEquals(Status.Code.NOT_FOUND, GrpcTestSupport.statusCode(e), id);
            assertEquals("not_found", GrpcTestSupport.errorCode(e), id);
        }
    }

    @Test
    void setPlanChangesTheProfileAndTheNextTokensPlanClaim() throws Exception {
        String email = randomEmail();
        String id = register(email, PASSWORD).getUser().getId();

        User updated = auth.setPlan(SetPlanRequest.newBuilder().setUserId(id).setPlan(Plan.PLAN_PRO).build());
        assertEquals(Plan.PLAN_PRO, updated.getPlan());
        assertEquals(Plan.PLAN_PRO, auth.getUser(GetUserRequest.newBuilder().setUserId(id).build()).getPlan());
        assertEquals("pro", queryString("select plan from users where id = ?", UUID.fromString(id)));

        AuthResult login = auth.login(LoginRequest.newBuilder().setEmail(email).setPassword(PASSWORD).build());
        assertEquals(Plan.PLAN_PRO, login.getUser().getPlan());
        JsonWebKeySet jwks = new JsonWebKeySet(auth.getJwks(GetJwksRequest.getDefaultInstance()).getJson());
        assertEquals("pro", verifier(jwks).processToClaims(login.getAccessToken()).getStringClaimValue("plan"));

        auth.setPlan(SetPlanRequest.newBuilder().setUserId(id).setPlan(Plan.PLAN_PREMIUM).build());
        assertEquals(Plan.PLAN_PREMIUM, auth.getUser(GetUserRequest.newBuilder().setUserId(id).build()).getPlan());
    }

    @Test
    void setPlanRejectsAnUnspecifiedPlanAndUnknownUsers() throws Exception {
        String id = register(randomEmail(), PASSWORD).getUser().getId();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> auth.setPlan(SetPlanRequest.newBuilder().setUserId(id).setPlan(Plan.PLAN_UNSPECIFIED).build()));
        assertValidation(e, "PLAN_UNSPECIFIED");
        StatusRuntimeException unknownValue = assertThrows(StatusRuntimeException.class,
                () -> auth.setPlan(SetPlanRequest.newBuilder().setUserId(id).setPlanValue(42).build()));
        assertValidation(unknownValue, "plan 42");
        assertEquals("free", queryString("select plan from users where id = ?", UUID.fromString(id)));

        StatusRuntimeException missing = assertThrows(StatusRuntimeException.class,
                () -> auth.setPlan(SetPlanRequest.newBuilder().setUserId(UUID.randomUUID().toString()).setPlan(Plan.PLAN_PRO).build()));
        assertEquals(Status.Code.NOT_FOUND, GrpcTestSupport.statusCode(missing));
        assertEquals("not_found", GrpcTestSupport.errorCode(missing));
    }

    // --- helpers -------------------------------------------------------------------------------

    static void assertValidation(StatusRuntimeException e, String what) {
        assertEquals(Status.Code.INVALID_ARGUMENT, GrpcTestSupport.statusCode(e), what);
        assertEquals("validation_failed", GrpcTestSupport.errorCode(e), what);
        assertNotNull(e.getStatus().getDescription(), what);
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
