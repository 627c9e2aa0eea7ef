package app.oviya.gateway;

import app.oviya.auth.v1.AuthResult;
import app.oviya.auth.v1.AuthServiceGrpc;
import app.oviya.auth.v1.GetJwksRequest;
import app.oviya.auth.v1.Jwks;
import app.oviya.auth.v1.RegisterRequest;
import app.oviya.common.error.ErrorCode;
import app.oviya.common.error.GrpcErrors;
import app.oviya.common.error.ServiceException;
import app.oviya.common.testing.GrpcTestSupport;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;

/**
 * A fake auth-service on a random port: publishes the test signing key as JWKS, and answers
 * register with a conflict (to check error mapping). chat- and memory-service point at a
 * closed port, so calls to them exercise the "dependency down" path.
 */
public class FakeAuthService implements QuarkusTestResourceLifecycleManager {

    static final String KID = "test-key";
    static final KeyPair KEYS = generate();
    /** A key auth-service "rotates to" during a test; published only once {@link #rotated} is set. */
    static final String NEXT_KID = "test-key-2";
    static final KeyPair NEXT_KEYS = generate();
    static volatile boolean rotated;
    private Server server;

    @Override
    public Map<String, String> start() {
        server = GrpcTestSupport.startServer(new AuthServiceGrpc.AuthServiceImplBase() {
            @Override
            public void getJwks(GetJwksRequest request, StreamObserver<Jwks> response) {
                response.onNext(Jwks.newBuilder().setJson(jwks()).build());
                response.onCompleted();
            }

            @Override
            public void register(RegisterRequest request, StreamObserver<AuthResult> response) {
                response.onError(GrpcErrors.toStatus(new ServiceException(ErrorCode.CONFLICT, "an account with this email already exists")));
            }
        });
        // In test mode Quarkus points gRPC clients at the app itself unless test-port is set.
        String unused = "1";
        return Map.of(
                "quarkus.grpc.clients.auth.test-port", Integer.toString(server.getPort()),
                "quarkus.grpc.clients.chat.test-port", unused,
                "quarkus.grpc.clients.memory.test-port", unused,
                "quarkus.grpc.clients.ai.test-port", unused,
                // Tests rotate keys: refresh on an unknown kid at once.
                "oviya.gateway.jwt.jwks-min-refresh-interval", "0s");
    }

    @Override
    public void stop() {
        GrpcTestSupport.stop(server);
    }

    static String jwks() {
        RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) KEYS.getPublic());
        jwk.setKeyId(KID);
        jwk.setAlgorithm("RS256");
        JsonWebKeySet set = new JsonWebKeySet(jwk);
        if (rotated) {
            RsaJsonWebKey next = new RsaJsonWebKey((RSAPublicKey) NEXT_KEYS.getPublic());
            next.setKeyId(NEXT_KID);
            next.setAlgorithm("RS256");
            set.addJsonWebKey(next);
        }
        return set.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
