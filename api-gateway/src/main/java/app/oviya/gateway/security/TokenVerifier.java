package app.oviya.gateway.security;

import app.oviya.common.error.ServiceException;
import app.oviya.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.lang.JoseException;

/**
 * Verifies access tokens locally: RS256 only (so "none" and HS256-signed-with-the-public-key
 * are refused), signature against auth-service's JWKS, issuer, audience, expiry.
 */
@ApplicationScoped
public class TokenVerifier {

    private final JwksCache jwks;
    private final GatewayConfig.Jwt config;

    public TokenVerifier(JwksCache jwks, GatewayConfig config) {
        this.jwks = jwks;
        this.config = config.jwt();
    }

    public Uni<Caller> verify(String token) {
        String kid;
        try {
            JsonWebStructure jws = JsonWebStructure.fromCompactSerialization(token);
            if (!AlgorithmIdentifiers.RSA_USING_SHA256.equals(jws.getAlgorithmHeaderValue())) {
                return Uni.createFrom().failure(ServiceException.unauthorized("token algorithm is not accepted"));
            }
            kid = jws.getKeyIdHeaderValue();
        } catch (JoseException e) {
            return Uni.createFrom().failure(ServiceException.unauthorized("token is malformed"));
        }
        if (kid == null) {
            return Uni.createFrom().failure(ServiceException.unauthorized("token has no key id"));
        }
        return jwks.keyFor(kid).map(key -> {
            JwtConsumer consumer = new JwtConsumerBuilder()
                    .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                    .setVerificationKey(key)
                    .setRequireExpirationTime()
                    .setRequireIssuedAt()
                    .setRequireSubject()
                    .setRequireJwtId()
                    .setExpectedIssuer(config.issuer())
                    .setExpectedAudience(config.audience())
                    .setAllowedClockSkewInSeconds((int) config.clockSkew().toSeconds())
                    .build();
            try {
                JwtClaims claims = consumer.processToClaims(token);
                String plan = claims.getClaimValueAsString("plan");
                return new Caller(claims.getSubject(), plan == null ? "free" : plan, claims.getExpirationTime().getValue());
            } catch (InvalidJwtException e) {
                throw ServiceException.unauthorized(e.hasExpired() ? "token has expired" : "token is not valid");
            } catch (MalformedClaimException e) {
                throw ServiceException.unauthorized("token is not valid");
            }
        });
    }
}
