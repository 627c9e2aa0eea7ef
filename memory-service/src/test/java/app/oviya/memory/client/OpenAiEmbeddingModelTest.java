package app.oviya.memory.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.common.error.ErrorCode;
import app.oviya.common.error.ServiceException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The hosted embedding client against a fake OpenAI-compatible server: no Quarkus. */
class OpenAiEmbeddingModelTest {

    static FakeEmbeddingServer server;
    OpenAiEmbeddingModel model;

    @BeforeAll
    static void start() throws Exception {
        server = new FakeEmbeddingServer(64);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void setUp() {
        server.reset();
        model = new OpenAiEmbeddingModel(server.baseUrl(), Optional.of("sk-test"), "text-embedding-3-small", 64,
                Duration.ofMillis(500), 2, Duration.ofMillis(10));
    }

    @Test
    void embedsABatchInOrderWithUnitVectorsAndSendsTheKey() {
        List<float[]> out = model.embedAll(List.of("green tea", "hiking in the alps")).await().atMost(Duration.ofSeconds(5));
        assertEquals(2, out.size());
        for (float[] v : out) {
            assertEquals(64, v.length);
            double norm = 0;
            for (float x : v) {
                norm += x * x;
            }
            assertEquals(1.0, norm, 1e-4);
        }
        assertEquals("Bearer sk-test", server.lastAuthorization);
        assertEquals("text-embedding-3-small", server.lastBody.getString("model"));
        assertEquals(64, server.lastBody.getInteger("dimensions"));
        assertEquals(1, server.requests.get());
    }

    @Test
    void transientFailuresAreRetried() {
        server.script("500", "429");
        float[] v = model.embed("green tea").await().atMost(Duration.ofSeconds(5));
        assertEquals(64, v.length);
        assertEquals(3, server.requests.get(), "two failures, then success");
    }

    @Test
    void aTimeoutIsRetriedThenSucceeds() {
        server.script("slow");
        float[] v = model.embed("green tea").await().atMost(Duration.ofSeconds(10));
        assertEquals(64, v.length);
        assertTrue(server.requests.get() >= 2);
    }

    @Test
    void persistentFailureIsUnavailableAfterTheRetries() {
        server.failAll = 503;
        ServiceException e = assertThrows(ServiceException.class, () -> model.embed("x").await().atMost(Duration.ofSeconds(5)));
        assertEquals(ErrorCode.UNAVAILABLE, e.code());
        assertEquals(3, server.requests.get(), "one call and two retries");
    }

    @Test
    void aRefusedRequestIsNotRetried() {
        server.failAll = 401;
        ServiceException e = assertThrows(ServiceException.class, () -> model.embed("x").await().atMost(Duration.ofSeconds(5)));
        assertEquals(ErrorCode.UNAVAILABLE, e.code());
        assertEquals(1, server.requests.get());
    }

    @Test
    void anUnreachableProviderIsUnavailable() {
        OpenAiEmbeddingModel nowhere = new OpenAiEmbeddingModel("http://127.0.0.1:1", Optional.empty(), "m", 64,
                Duration.ofMillis(300), 1, Duration.ofMillis(10));
        ServiceException e = assertThrows(ServiceException.class, () -> nowhere.embed("x").await().atMost(Duration.ofSeconds(5)));
        assertEquals(ErrorCode.UNAVAILABLE, e.code());
    }

    @Test
    void aWrongDimensionIsRefusedClearly() {
        // A generous timeout: this test is about the dimension, and a loaded machine must not turn it into a timeout.
        OpenAiEmbeddingModel wrong = new OpenAiEmbeddingModel(server.baseUrl(), Optional.empty(), "m", 32,
                Duration.ofSeconds(5), 0, Duration.ofMillis(10));
        // The fake answers with the dimension it was built for (64), whatever was asked.
        server.reset();
        ServiceException e = assertThrows(ServiceException.class, () -> wrong.embed("x").await().atMost(Duration.ofSeconds(10)));
        assertTrue(e.detail().contains("64"), e.detail());
    }
}
