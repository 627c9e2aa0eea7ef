package app.oviya.gateway.realtime;

import app.oviya.auth.v1.AuthServiceGrpc;
import app.oviya.auth.v1.GetJwksRequest;
import app.oviya.auth.v1.Jwks;
import app.oviya.chat.v1.ChatServiceGrpc;
import app.oviya.chat.v1.Conversation;
import app.oviya.chat.v1.GetConversationRequest;
import app.oviya.common.error.GrpcErrors;
import app.oviya.common.error.ServiceException;
import app.oviya.common.testing.GrpcTestSupport;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

/**
 * For the realtime tests: a fake auth-service publishing this class's signing key, and a fake
 * chat-service whose GetConversation knows owners like the real one (another user's or a missing
 * conversation is NOT_FOUND); {@link #chatDown} makes it UNAVAILABLE.
 */
public class RealtimeFakes implements QuarkusTestResourceLifecycleManager {

    static final String KID = "realtime-test-key";
    static final KeyPair KEYS = generate();
    /** conversation id -> owner */
    static final Map<String, String> OWNERS = new ConcurrentHashMap<>();
    static final AtomicInteger GET_CONVERSATION_CALLS = new AtomicInteger();
    static volatile boolean chatDown;
    private Server server;

    static String conversationOf(String owner) {
        String id = UUID.randomUUID().toString();
        OWNERS.put(id, owner);
        return id;
    }

    static String token(String userId, long expiresInSeconds) {
        try {
            JwtClaims c = new JwtClaims();
            c.setIssuer("https://oviya.app");
            c.setAudience("oviya-api");
            c.setSubject(userId);
            c.setIssuedAt(NumericDate.fromSeconds(System.currentTimeMillis() / 1000 - 300));
            c.setExpirationTime(NumericDate.fromSeconds(System.currentTimeMillis() / 1000 + expiresInSeconds));
            c.setGeneratedJwtId();
            c.setClaim("plan", "free");
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(c.toJson());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            jws.setKey(KEYS.getPrivate());
            jws.setKeyIdHeaderValue(KID);
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Map<String, String> start() {
        server = GrpcTestSupport.startServer(new AuthServiceGrpc.AuthServiceImplBase() {
            @Override
            public void getJwks(GetJwksRequest request, StreamObserver<Jwks> response) {
                RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) KEYS.getPublic());
                jwk.setKeyId(KID);
                jwk.setAlgorithm("RS256");
                response.onNext(Jwks.newBuilder().setJson(new JsonWebKeySet(jwk).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)).build());
                response.onCompleted();
            }
        }, new ChatServiceGrpc.ChatServiceImplBase() {
            @Override
            public void getConversation(GetConversationRequest request, StreamObserver<Conversation> response) {
                GET_CONVERSATION_CALLS.incrementAndGet();
                if (chatDown) {
                    response.onError(Status.UNAVAILABLE.withDescription("chat is down").asRuntimeException());
                    return;
                }
                if (!request.getUserId().equals(OWNERS.get(request.getConversationId()))) {
                    response.onError(GrpcErrors.toStatus(ServiceException.notFound("conversation not found")));
                    return;
                }
                response.onNext(Conversation.newBuilder().setId(request.getConversationId()).setTitle("t")
                        .setCreatedAt("2026-01-01T00:00:00Z").build());
                response.onCompleted();
            }
        });
        String port = Integer.toString(server.getPort());
        return Map.of(
                "quarkus.grpc.clients.auth.test-port", port,
                "quarkus.grpc.clients.chat.test-port", port,
                "quarkus.grpc.clients.memory.test-port", "1",
                "quarkus.grpc.clients.ai.test-port", "1",
                // Small, so a stalled client overflows after a few megabytes of events, not dozens.
                "oviya.gateway.realtime.max-pending-frames", "100");
    }

    @Override
    public void stop() {
        GrpcTestSupport.stop(server);
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
