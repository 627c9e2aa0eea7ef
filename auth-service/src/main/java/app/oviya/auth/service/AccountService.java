package app.oviya.auth.service;

import app.oviya.auth.repository.UserAccount;
import app.oviya.auth.repository.UserRepository;
import app.oviya.common.concurrent.Offload;
import app.oviya.auth.repository.RefreshToken;
import app.oviya.auth.repository.RefreshTokenRepository;
import app.oviya.common.error.ErrorCode;
import app.oviya.common.error.ServiceException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.hibernate.exception.ConstraintViolationException;

/** Registration, login, token refresh and plan changes. */
@ApplicationScoped
public class AccountService {

    private final UserRepository users;
    private final PasswordPolicy policy;
    private final PasswordHasher hasher;
    private final TokenService tokens;

    private final LoginThrottle throttle;
    private final RefreshTokenRepository refreshTokens;

    public AccountService(UserRepository users, PasswordPolicy policy, PasswordHasher hasher, TokenService tokens,
            LoginThrottle throttle, RefreshTokenRepository refreshTokens) {
        this.users = users;
        this.policy = policy;
        this.hasher = hasher;
        this.tokens = tokens;
        this.throttle = throttle;
        this.refreshTokens = refreshTokens;
    }

    static final int MAX_PERSONA = 2000;

    /** What auth-service stores about a user, for the export. */
    public record AccountData(UserAccount user, List<RefreshToken> sessions) {
    }

    public record Session(UserAccount user, TokenService.TokenPair tokens) {
    }

    public Uni<Session> register(String email, String password, String displayName) {
        String normalized = policy.normalizeEmail(email);
        policy.checkNewPassword(password, normalized);
        String name = displayName == null || displayName.isBlank()
                ? normalized.substring(0, normalized.indexOf('@'))
                : displayName.strip();
        if (name.length() > 100) {
            throw ServiceException.validation("displayName must be at most 100 characters");
        }
        return Offload.toWorker(() -> hasher.hash(password))
                .chain(hash -> Panache.withTransaction(() -> users.findByEmail(normalized).chain(existing -> {
                    if (existing != null) {
                        return Uni.createFrom().failure(ServiceException.conflict("an account with this email already exists"));
                    }
                    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                    UserAccount user = new UserAccount();
                    user.id = UUID.randomUUID();
                    user.email = normalized;
                    user.passwordHash = hash;
                    user.displayName = name;
                    user.plan = "free";
                    user.timezone = "UTC";
                    user.createdAt = now;
                    user.updatedAt = now;
                    return users.persistAndFlush(user).chain(u -> tokens.startSession(u).map(t -> new Session(u, t)));
                })))
                .onFailure(AccountService::isUniqueViolation)
                .transform(e -> ServiceException.conflict("an account with this email already exists"));
    }

    /** Checks the password, behind the brute-force throttle (per account and per client address). */
    public Uni<Session> login(String email, String password, String clientIp) {
        String normalized = policy.normalizeEmail(email);
        policy.checkLoginPassword(password);
        return throttle.check(normalized, clientIp)
                .chain(() -> verifyAndStart(normalized, password))
                .onFailure(e -> e instanceof ServiceException se && se.code() == ErrorCode.UNAUTHORIZED)
                .call(() -> throttle.recordFailure(normalized, clientIp))
                .call(() -> throttle.recordSuccess(normalized, clientIp));
    }

    private Uni<Session> verifyAndStart(String normalized, String password) {
        return Panache.withSession(() -> users.findByEmail(normalized))
                .chain(user -> Offload.toWorker(() -> {
                    if (user == null) {
                        hasher.verifyDummy(password);
                        return false;
                    }
                    return hasher.verify(user.passwordHash, password);
                }).chain(ok -> {
                    if (!ok) {
                        return Uni.createFrom().failure(ServiceException.unauthorized("invalid email or password"));
                    }
                    return Panache.withTransaction(() -> users.findById(user.id)
                            .chain(u -> tokens.startSession(u).map(t -> new Session(u, t))));
                }));
    }

    public Uni<Session> refresh(String refreshToken) {
        // A reused token yields a null session: the transaction commits the family revocation,
        // and only then is the request refused.
        return Panache.withTransaction(() -> tokens.rotate(refreshToken)
                .chain(rotated -> rotated.reused() ? Uni.createFrom().<Session>nullItem()
                        : users.findById(rotated.userId()).chain(user -> user == null
                                ? Uni.createFrom().<Session>failure(ServiceException.unauthorized("account no longer exists"))
                                : tokens.continueSession(user, rotated.familyId()).map(t -> new Session(user, t)))))
                .onItem().ifNull().failWith(() -> ServiceException.unauthorized("refresh token was already used; please log in again"));
    }

    public Uni<Void> logout(String refreshToken) {
        return Panache.withTransaction(() -> tokens.revoke(refreshToken));
    }

    public Uni<UserAccount> get(String userId) {
        UUID id = parseId(userId);
        return Panache.withSession(() -> users.findById(id))
                .onItem().ifNull().failWith(() -> ServiceException.notFound("user not found"));
    }

    public Uni<UserAccount> setPlan(String userId, String plan) {
        UUID id = parseId(userId);
        return Panache.withTransaction(() -> users.findById(id).chain(user -> {
            if (user == null) {
                return Uni.createFrom().failure(ServiceException.notFound("user not found"));
            }
            user.plan = plan;
            user.updatedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            return Uni.createFrom().item(user);
        }));
    }

    /** Applies the present fields; a custom persona needs the premium plan; an empty country removes it. */
    public Uni<UserAccount> updateProfile(String userId, String displayName, String timezone, String persona, String country) {
        UUID id = parseId(userId);
        String name = displayName == null ? null : displayName.strip();
        if (name != null && (name.isEmpty() || name.length() > 100)) {
            throw ServiceException.validation("displayName must be 1 to 100 characters");
        }
        if (timezone != null) {
            try {
                ZoneId.of(timezone);
            } catch (DateTimeException e) {
                throw ServiceException.validation("timezone must be an IANA zone id such as Europe/Berlin");
            }
            if (timezone.length() > 64) {
                throw ServiceException.validation("timezone must be an IANA zone id such as Europe/Berlin");
            }
        }
        String newPersona = persona == null ? null : persona.strip();
        if (newPersona != null && newPersona.length() > MAX_PERSONA) {
            throw ServiceException.validation("persona must be at most " + MAX_PERSONA + " characters");
        }
        String newCountry = country == null ? null : Countries.normalise(country);
        return Panache.withTransaction(() -> users.findById(id).chain(user -> {
            if (user == null) {
                return Uni.createFrom().failure(ServiceException.notFound("user not found"));
            }
            if (newPersona != null && !newPersona.isEmpty() && !"premium".equals(user.plan)) {
                return Uni.createFrom().failure(new ServiceException(ErrorCode.FORBIDDEN, "a custom persona needs the premium plan"));
            }
            if (name != null) {
                user.displayName = name;
            }
            if (timezone != null) {
                user.timezone = timezone;
            }
            if (newPersona != null) {
                user.persona = newPersona.isEmpty() ? null : newPersona;
            }
            if (newCountry != null) {
                user.country = newCountry.isEmpty() ? null : newCountry;
            }
            user.updatedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            return Uni.createFrom().item(user);
        }));
    }

    /** Deletes the account and its sessions; false when it was already gone (idempotent). */
    public Uni<Boolean> delete(String userId) {
        UUID id;
        try {
            id = UUID.fromString(userId);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ServiceException.validation("userId must be a UUID");
        }
        return Panache.withTransaction(() -> refreshTokens.deleteForUser(id).chain(() -> users.deleteById(id)));
    }

    public Uni<AccountData> export(String userId) {
        UUID id = parseId(userId);
        return Panache.withSession(() -> users.findById(id).chain(user -> user == null
                ? Uni.createFrom().failure(ServiceException.notFound("user not found"))
                : refreshTokens.forUser(id).map(sessions -> new AccountData(user, sessions))));
    }

    static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ServiceException.notFound("user not found");
        }
    }

    private static boolean isUniqueViolation(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConstraintViolationException) {
                return true;
            }
            if (c.getMessage() != null && c.getMessage().contains("users_email_key")) {
                return true;
            }
        }
        return false;
    }
}
