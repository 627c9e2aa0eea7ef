package app.oviya.auth.service;

import app.oviya.auth.config.AuthConfig;
import app.oviya.auth.repository.RefreshToken;
import app.oviya.auth.repository.RefreshTokenRepository;
import app.oviya.auth.repository.UserAccount;
import app.oviya.common.error.ServiceException;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Issues token pairs: a short-lived RS256 access token and an opaque refresh token that is
 * stored only as a hash and rotated on every use. Must run inside a reactive transaction.
 */
@ApplicationScoped
public class TokenService {

    private static final Logger LOG = Logger.getLogger(TokenService.class);

    private final AuthConfig.Jwt config;
    private final SigningKeys keys;
    private final RefreshTokenRepository refreshTokens;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();

    public TokenService(AuthConfig config, SigningKeys keys, RefreshTokenRepository refreshTokens) {
        this.config = config.jwt();
        this.keys = keys;
        this.refreshTokens = refreshTokens;
    }

    public record TokenPair(String accessToken, String refreshToken, long expiresIn) {
    }

    /** Starts a new session (a new refresh-token family) for the user. */
    public Uni<TokenPair> startSession(UserAccount user) {
        return issue(user, UUID.randomUUID());
    }

    /**
     * Rotates a refresh token. A token that was already rotated or revoked is evidence of theft:
     * the whole family is revoked and the result is marked {@link RotatedSession#reused()}; the
     * caller must commit that revocation and then refuse the request (failing inside the
     * transaction would roll the revocation back).
     */
    public Uni<RotatedSession> rotate(String presentedToken) {
        if (presentedToken == null || presentedToken.isBlank() || presentedToken.length() > 200) {
            return Uni.createFrom().failure(ServiceException.validation("refreshToken is required"));
        }
        Instant now = clock.instant();
        return refreshTokens.findByHash(hash(presentedToken)).onItem().transformToUni(token -> {
            if (token == null) {
                return Uni.createFrom().failure(ServiceException.unauthorized("refresh token is not valid"));
            }
            if (token.rotatedAt != null || token.revokedAt != null) {
                LOG.warnf("Refresh token reuse for user %s: revoking session family %s", token.userId, token.familyId);
                return refreshTokens.revokeFamily(token.familyId, now)
                        .replaceWith(new RotatedSession(token.userId, token.familyId, true));
            }
            if (token.expiresAt.isBefore(now)) {
                return Uni.createFrom().failure(ServiceException.unauthorized("refresh token has expired"));
            }
            token.rotatedAt = now;
            return Uni.createFrom().item(new RotatedSession(token.userId, token.familyId, false));
        });
    }

    /** {@code reused}: the presented token had already been rotated or revoked, and its family is now revoked. */
    public record RotatedSession(UUID userId, UUID familyId, boolean reused) {
    }

    public Uni<TokenPair> continueSession(UserAccount user, UUID familyId) {
        return issue(user, familyId);
    }

    /** Revokes the session of a refresh token; unknown tokens are ignored so logout is idempotent. */
    public Uni<Void> revoke(String presentedToken) {
        if (presentedToken == null || presentedToken.isBlank()) {
            return Uni.createFrom().failure(ServiceException.validation("refreshToken is required"));
        }
        return refreshTokens.findByHash(hash(presentedToken)).onItem().transformToUni(token -> token == null
                ? Uni.createFrom().voidItem()
                : refreshTokens.revokeFamily(token.familyId, clock.instant()).replaceWithVoid());
    }

    private Uni<TokenPair> issue(UserAccount user, UUID familyId) {
        Instant now = clock.instant();
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String refresh = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        RefreshToken row = new RefreshToken();
        row.id = UUID.randomUUID();
        row.userId = user.id;
        row.familyId = familyId;
        row.tokenHash = hash(refresh);
        row.createdAt = now;
        row.expiresAt = now.plus(config.refreshTokenTtl());
        String access = signAccessToken(user, now);
        return refreshTokens.persist(row).replaceWith(new TokenPair(access, refresh, config.accessTokenTtl().toSeconds()));
    }

    String signAccessToken(UserAccount user, Instant now) {
        return Jwt.issuer(config.issuer())
                .audience(config.audience())
                .subject(user.id.toString())
                .issuedAt(now)
                .expiresAt(now.plus(config.accessTokenTtl()))
                .claim("jti", UUID.randomUUID().toString())
                .claim("plan", user.plan)
                .jws()
                .keyId(keys.keyId())
                .algorithm(SignatureAlgorithm.RS256)
                .sign(keys.privateKey());
    }

    static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
