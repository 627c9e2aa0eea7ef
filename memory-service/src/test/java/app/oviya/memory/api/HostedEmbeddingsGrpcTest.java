package app.oviya.memory.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.common.testing.GrpcTestSupport;
import app.oviya.memory.client.FakeEmbeddingServer;
import app.oviya.memory.v1.ExtractFromTurnRequest;
import app.oviya.memory.v1.ListRequest;
import app.oviya.memory.v1.Memory;
import app.oviya.memory.v1.MemoryServiceGrpc;
import app.oviya.memory.v1.RememberRequest;
import app.oviya.memory.v1.SearchRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * memory-service with EMBEDDING_PROVIDER=openai against a fake OpenAI-compatible server: the
 * hosted path works end to end, and when the provider fails every call that needs an embedding
 * answers UNAVAILABLE with the code "unavailable" (chat-service then answers without memories).
 */
@QuarkusTest
@TestProfile(HostedEmbeddingsGrpcTest.Hosted.class)
@QuarkusTestResource(value = HostedEmbeddingsGrpcTest.FakeProvider.class, restrictToAnnotatedClass = true)
class HostedEmbeddingsGrpcTest {

    public static class Hosted implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("oviya.embedding.provider", "openai",
                    "oviya.embedding.api-key", "sk-test",
                    "oviya.embedding.timeout", "500ms",
                    "oviya.embedding.max-retries", "1",
                    "oviya.embedding.retry-backoff", "10ms");
        }
    }

    public static class FakeProvider implements QuarkusTestResourceLifecycleManager {
        static FakeEmbeddingServer server;

        @Override
        public Map<String, String> start() {
            try {
                server = new FakeEmbeddingServer(384);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            return Map.of("oviya.embedding.base-url", server.baseUrl());
        }

        @Override
        public void stop() {
            server.close();
        }
    }

    @TestHTTPResource("/")
    URL url;

    ManagedChannel channel;
    MemoryServiceGrpc.MemoryServiceBlockingStub memory;

    @BeforeEach
    void connect() {
        channel = GrpcTestSupport.channel(url.getPort());
        memory = MemoryServiceGrpc.newBlockingStub(channel);
        FakeProvider.server.reset();
    }

    @AfterEach
    void disconnect() {
        FakeProvider.server.reset();
        GrpcTestSupport.close(channel);
    }

    @Test
    void theHostedProviderEmbedsAndSearches() {
        String user = UUID.randomUUID().toString();
        memory.remember(RememberRequest.newBuilder().setUserId(user).setContent("Loves hiking in the Swiss Alps").build());
        memory.remember(RememberRequest.newBuilder().setUserId(user).setContent("Favourite food is masala dosa").build());
        List<Memory> found = memory.search(SearchRequest.newBuilder().setUserId(user).setQuery("hiking alps").build()).getItemsList();
        assertFalse(found.isEmpty());
        assertTrue(found.get(0).getContent().contains("Alps"));
        assertEquals("Bearer sk-test", FakeProvider.server.lastAuthorization);
    }

    @Test
    void aFailingProviderIsUnavailableAndNothingIsStored() {
        String user = UUID.randomUUID().toString();
        FakeProvider.server.failAll = 500;
        List<Consumer<String>> calls = List.of(
                u -> memory.remember(RememberRequest.newBuilder().setUserId(u).setContent("I like tea").build()),
                u -> memory.search(SearchRequest.newBuilder().setUserId(u).setQuery("tea").build()),
                u -> memory.extractFromTurn(ExtractFromTurnRequest.newBuilder().setUserId(u).setUserText("I live in Paris").build()));
        for (int i = 0; i < calls.size(); i++) {
            Consumer<String> call = calls.get(i);
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call.accept(user), "call " + i);
            assertEquals(Status.Code.UNAVAILABLE, GrpcTestSupport.statusCode(e), "call " + i);
            assertEquals("unavailable", GrpcTestSupport.errorCode(e), "call " + i);
        }
        assertTrue(FakeProvider.server.requests.get() >= 6, "each call was retried once: " + FakeProvider.server.requests.get());
        // Listing needs no embedding: it still works, and nothing was stored.
        assertEquals(0, memory.list(ListRequest.newBuilder().setUserId(user).build()).getItemsCount());

        // A timeout is the same to callers.
        FakeProvider.server.failAll = 0;
        FakeProvider.server.script("slow", "slow");
        StatusRuntimeException slow = assertThrows(StatusRuntimeException.class,
                () -> memory.search(SearchRequest.newBuilder().setUserId(user).setQuery("tea").build()));
        assertEquals(Status.Code.UNAVAILABLE, GrpcTestSupport.statusCode(slow));
    }
}
