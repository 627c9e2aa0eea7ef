package app.oviya.auth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.auth.v1.AccountExport;
import app.oviya.auth.v1.AuthResult;
import app.oviya.auth.v1.AuthServiceGrpc;
import app.oviya.auth.v1.DeleteAccountRequest;
import app.oviya.auth.v1.ExportAccountRequest;
import app.oviya.auth.v1.GetUserRequest;
import app.oviya.auth.v1.LoginRequest;
import app.oviya.auth.v1.Plan;
import app.oviya.auth.v1.RefreshRequest;
import app.oviya.auth.v1.RegisterRequest;
import app.oviya.auth.v1.SetPlanRequest;
import app.oviya.auth.v1.UpdateProfileRequest;
import app.oviya.auth.v1.User;
import app.oviya.common.error.GrpcErrors;
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
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Profile updates, account deletion and export, and login brute-force protection (real PostgreSQL and Redis). */
@QuarkusTest
class AccountLifecycleTest {

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
        return "life-" + UUID.randomUUID() + "@example.com";
    }

    AuthResult register(String email) {
        return auth.register(RegisterRequest.newBuilder().setEmail(email).setPassword(PASSWORD).build());
    }

    StatusRuntimeException loginFails(String email, String password, String ip) {
        return assertThrows(StatusRuntimeException.class,
                () -> auth.login(LoginRequest.newBuilder().setEmail(email).setPassword(password).setClientIp(ip).build()));
    }

    /** {@code times} wrong passwords for the account from {@code ip}, each refused as unauthorized (not locked yet). */
    void wrongPasswords(String email, int times, String ip) {
        for (int i = 0; i < times; i++) {
            assertEquals("unauthorized", GrpcTestSupport.errorCode(loginFails(email, "wrong password " + i, ip)));
        }
    }

    @Test
    void profileUpdatesOnlyWhatIsSentAndPersonaNeedsPremium() throws Exception {
        String id = register(randomEmail()).getUser().getId();
        User updated = auth.updateProfile(UpdateProfileRequest.newBuilder().setUserId(id)
                .setDisplayName("  Mira ").setTimezone("Asia/Kolkata").build());
        assertEquals("Mira", updated.getDisplayName());
        assertEquals("Asia/Kolkata", updated.getTimezone());
        assertEquals("", updated.getPersona());

        StatusRuntimeException forbidden = assertThrows(StatusRuntimeException.class, () -> auth.updateProfile(
                UpdateProfileRequest.newBuilder().setUserId(id).setPersona("a calm older sister").build()));
        assertEquals(Status.Code.PERMISSION_DENIED, forbidden.getStatus().getCode());
        assertEquals("forbidden", GrpcTestSupport.errorCode(forbidden));

        StatusRuntimeException badZone = assertThrows(StatusRuntimeException.class, () -> auth.updateProfile(
                UpdateProfileRequest.newBuilder().setUserId(id).setTimezone("Mars/Olympus").build()));
        assertEquals("validation_failed", GrpcTestSupport.errorCode(badZone));
        StatusRuntimeException emptyName = assertThrows(StatusRuntimeException.class, () -> auth.updateProfile(
                UpdateProfileRequest.newBuilder().setUserId(id).setDisplayName("  ").build()));
        assertEquals("validation_failed", GrpcTestSupport.errorCode(emptyName));
        assertEquals("Asia/Kolkata", queryString("select timezone from users where id = ?", UUID.fromString(id)));

        auth.setPlan(SetPlanRequest.newBuilder().setUserId(id).setPlan(Plan.PLAN_PREMIUM).build());
        User withPersona = auth.updateProfile(UpdateProfileRequest.newBuilder().setUserId(id).setPersona("a calm older sister").build());
        assertEquals("a calm older sister", withPersona.getPersona());
        assertEquals("Mira", withPersona.getDisplayName(), "fields not sent stay as they were");
        assertEquals("a calm older sister", auth.getUser(GetUserRequest.newBuilder().setUserId(id).build()).getPersona());
        User cleared = auth.updateProfile(UpdateProfileRequest.newBuilder().setUserId(id).setPersona("").build());
        assertEquals("", cleared.getPersona());
        assertEquals(null, queryString("select persona from users where id = ?", UUID.fromString(id)));
    }

    @Test
    void countryIsStoredUpperCaseShownInGetUserAndExportAndCanBeRemoved() throws Exception {
        String id = register(randomEmail()).getUser().getId();
        assertEquals("", auth.getUser(GetUserRequest.newBuilder().setUserId(id).build()).getCountry(), "unknown until chosen");

        User gb = auth.updateProfile(UpdateProfileRequest.newBuilder().setUserId(id).setCountry(" gb ").build());
        assertEquals("GB", gb.getCountry());
        assertEquals("GB", auth.getUser(GetUserRequest.newBuilder().setUserId(id).build()).getCountry());
        assertEquals("GB", queryString("select country from users where id = ?", UUID.fromString(id)));
        assertEquals("GB", auth.exportAccount(ExportAccountRequest.newBuilder().setUserId(id).build()).getUser().getCountry());

        User renamed = auth.updateProfile(UpdateProfileRequest.newBuilder().setUserId(id).setDisplayName("Ana").build());
        assertEquals("GB", renamed.getCountry(), "a country not sent stays as it was");

        User cleared = auth.updateProfile(UpdateProfileRequest.newBuilder().setUserId(id).setCountry("").build());
        assertEquals("", cleared.getCountry());
        assertEquals(null, queryString("select country from users where id = ?", UUID.fromString(id)));
    }

    @Test
    void badCountriesAreRejectedAndNothingIsStored() throws Exception {
        String id = register(randomEmail()).getUser().getId();
        auth.updateProfile(UpdateProfileRequest.newBuilder().setUserId(id).setCountry("IN").build());
        for (String bad : new String[] {"XX", "USA", "U", "12", "uk", "United Kingdom"}) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> auth.updateProfile(
                    UpdateProfileRequest.newBuilder().setUserId(id).setCountry(bad).setDisplayName("Changed").build()), bad);
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), bad);
            assertEquals("validation_failed", GrpcTestSupport.errorCode(e), bad);
        }
        assertEquals("IN", queryString("select country from users where id = ?", UUID.fromString(id)));
        assertNotEquals("Changed", queryString("select display_name from users where id = ?", UUID.fromString(id)));
    }

    @Test
    void deletingAnAccountRemovesEveryRowAndIsIdempotent() throws Exception {
        String email = randomEmail();
        AuthResult registered = register(email);
        UUID id = UUID.fromString(registered.getUser().getId());
        auth.login(LoginRequest.newBuilder().setEmail(email).setPassword(PASSWORD).build());
        assertEquals(2, queryLong("select count(*) from refresh_tokens where user_id = ?", id));

        assertTrue(auth.deleteAccount(DeleteAccountRequest.newBuilder().setUserId(id.toString()).build()).getDeleted());
        assertEquals(0, queryLong("select count(*) from users where id = ?", id));
        assertEquals(0, queryLong("select count(*) from refresh_tokens where user_id = ?", id));
        assertFalse(auth.deleteAccount(DeleteAccountRequest.newBuilder().setUserId(id.toString()).build()).getDeleted());

        StatusRuntimeException refresh = assertThrows(StatusRuntimeException.class,
                () -> auth.refresh(RefreshRequest.newBuilder().setRefreshToken(registered.getRefreshToken()).build()));
        assertEquals("unauthorized", GrpcTestSupport.errorCode(refresh));
        assertEquals("unauthorized", GrpcTestSupport.errorCode(loginFails(email, PASSWORD, "")));
        // The address is free again.
        register(email);
    }

    @Test
    void exportHasTheProfileAndSessionsButNoSecrets() {
        String email = randomEmail();
        AuthResult registered = register(email);
        auth.refresh(RefreshRequest.newBuilder().setRefreshToken(registered.getRefreshToken()).build());
        auth.login(LoginRequest.newBuilder().setEmail(email).setPassword(PASSWORD).build());

        AccountExport export = auth.exportAccount(ExportAccountRequest.newBuilder().setUserId(registered.getUser().getId()).build());
        assertEquals(email, export.getUser().getEmail());
        assertNotNull(export.getUpdatedAt());
        assertEquals(2, export.getSessionsCount(), "two logins, one of them refreshed once");
        String text = export.toString();
        assertFalse(text.contains("argon2"), "no password hash");
        assertFalse(text.contains(registered.getRefreshToken()), "no token");

        StatusRuntimeException missing = assertThrows(StatusRuntimeException.class,
                () -> auth.exportAccount(ExportAccountRequest.newBuilder().setUserId(UUID.randomUUID().toString()).build()));
        assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());
    }

    @Test
    void repeatedFailedLoginsFromOneAddressLockItOutOfTheAccountEvenForTheRightPassword() {
        String email = randomEmail();
        register(email);
        String attacker = "203.0.113." + UUID.randomUUID();
        wrongPasswords(email, 5, attacker);
        StatusRuntimeException locked = loginFails(email, PASSWORD, attacker);
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, locked.getStatus().getCode());
        assertEquals("rate_limited", GrpcTestSupport.errorCode(locked));
        long retryAfter = Long.parseLong(locked.getTrailers().get(GrpcErrors.RETRY_AFTER));
        assertTrue(retryAfter > 0 && retryAfter <= 15 * 60, "Retry-After " + retryAfter);

        // The owner, from another address, is not locked out by someone failing on purpose.
        auth.login(LoginRequest.newBuilder().setEmail(email).setPassword(PASSWORD).setClientIp("192.0.2." + UUID.randomUUID()).build());
        // Another account is not affected.
        String other = randomEmail();
        register(other);
        auth.login(LoginRequest.newBuilder().setEmail(other).setPassword(PASSWORD).build());
    }

    @Test
    void loginsWithoutAClientAddressShareOneAddressAndAreLockedTogether() {
        String email = randomEmail();
        register(email);
        wrongPasswords(email, 5, "");
        assertEquals("rate_limited", GrpcTestSupport.errorCode(loginFails(email, PASSWORD, "")));
    }

    @Test
    void guessingSpreadOverManyAddressesLocksTheAccountForEveryone() {
        String email = randomEmail();
        register(email);
        // The test profile locks an account after 12 failures from all addresses; 3 addresses x 4
        // failures stay under the 5 allowed from any one of them.
        for (int address = 0; address < 3; address++) {
            wrongPasswords(email, 4, "198.18.0." + address + "-" + UUID.randomUUID());
        }
        StatusRuntimeException locked = loginFails(email, PASSWORD, "192.0.2." + UUID.randomUUID());
        assertEquals("rate_limited", GrpcTestSupport.errorCode(locked));
        assertTrue(Long.parseLong(locked.getTrailers().get(GrpcErrors.RETRY_AFTER)) > 0);
    }

    @Test
    void aSuccessfulLoginClearsTheAccountsFailuresFromThatAddress() {
        String email = randomEmail();
        register(email);
        String ip = "198.51.100." + UUID.randomUUID();
        wrongPasswords(email, 3, ip);
        auth.login(LoginRequest.newBuilder().setEmail(email).setPassword(PASSWORD).setClientIp(ip).build());
        // Without the reset the fifth of these four would be refused; the address's own count (7 of
        // the test profile's 8) is not reset by a success.
        wrongPasswords(email, 4, ip);
        auth.login(LoginRequest.newBuilder().setEmail(email).setPassword(PASSWORD).setClientIp(ip).build());
    }

    @Test
    void manyFailuresFromOneAddressLockThatAddressOnly() {
        String ip = "198.51.100." + UUID.randomUUID();
        // The test profile allows 8 failures per address; each uses a different account.
        for (int i = 0; i < 8; i++) {
            assertEquals("unauthorized", GrpcTestSupport.errorCode(loginFails(randomEmail(), PASSWORD, ip)));
        }
        String email = randomEmail();
        register(email);
        assertEquals("rate_limited", GrpcTestSupport.errorCode(loginFails(email, PASSWORD, ip)));
        auth.login(LoginRequest.newBuilder().setEmail(email).setPassword(PASSWORD).setClientIp("198.51.100.7-" + UUID.randomUUID()).build());
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
