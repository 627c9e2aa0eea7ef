package app.oviya.auth.service;

import app.oviya.auth.repository.UserAccount;
import app.oviya.auth.repository.UserRepository;
import app.oviya.common.concurrent.Offload;
import app.oviya.common.error.ServiceException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
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

    public AccountService(UserRepository users, PasswordPolicy policy, PasswordHasher hasher, TokenService tokens) {
        this.users = users;
        this.policy = policy;
        this.hasher = hasher;
        this.tokens = tokens;
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

    public Uni<Session> login(String email, String password) {
        String normalized = policy.normalizeEmail(email);
        policy.checkLoginPassword(password);
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
