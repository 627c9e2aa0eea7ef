package app.oviya.gateway.bench;

import app.oviya.common.error.ServiceException;
import app.oviya.gateway.client.AuthClient;
import app.oviya.gateway.config.GatewayConfig;
import app.oviya.gateway.security.Caller;
import app.oviya.gateway.security.JwksCache;
import app.oviya.gateway.security.TokenVerifier;
import io.smallrye.mutiny.Uni;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What verifying one access token costs the gateway per request: the production TokenVerifier
 * (RS256 signature, iss/aud/exp checks) with the JWKS already cached. Run by hand with JMH
 * (docs/edge-benchmarks.md); not part of the test suite.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TokenVerificationBenchmark {

    TokenVerifier verifier;
    String token;

    @Setup
    public void setUp() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair keys = g.generateKeyPair();
        RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) keys.getPublic());
        jwk.setKeyId("bench");
        String jwks = new JsonWebKeySet(jwk).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
        GatewayConfig config = config();
        AuthClient auth = new AuthClient(null) {
            @Override
            public Uni<String> jwks() {
                return Uni.createFrom().item(jwks);
            }
        };
        verifier = new TokenVerifier(new JwksCache(auth, config), config);

        JwtClaims c = new JwtClaims();
        c.setIssuer("https://oviya.app");
        c.setAudience("oviya-api");
        c.setSubject(UUID.randomUUID().toString());
        c.setIssuedAtToNow();
        c.setExpirationTimeMinutesInTheFuture(60);
        c.setGeneratedJwtId();
        c.setClaim("plan", "free");
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(c.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKey(keys.getPrivate());
        jws.setKeyIdHeaderValue("bench");
        token = jws.getCompactSerialization();
        verify();
    }

    @Benchmark
    public Caller verify() {
        return verifier.verify(token).await().indefinitely();
    }

    static GatewayConfig config() {
        GatewayConfig.Jwt jwt = new GatewayConfig.Jwt() {
            public String issuer() {
                return "https://oviya.app";
            }

            public String audience() {
                return "oviya-api";
            }

            public Duration clockSkew() {
                return Duration.ofSeconds(30);
            }

            public Duration jwksMinRefreshInterval() {
                return Duration.ofSeconds(10);
            }
        };
        return new GatewayConfig() {
            public Jwt jwt() {
                return jwt;
            }

            public RateLimit rateLimit() {
                throw new ServiceException(null, "unused");
            }

            public Map<String, PlanLimits> plans() {
                return Map.of();
            }

            public int trustedProxyHops() {
                return 0;
            }
        };
    }
}
