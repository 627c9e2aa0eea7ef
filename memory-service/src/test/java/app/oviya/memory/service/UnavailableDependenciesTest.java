package app.oviya.memory.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.common.error.ErrorCode;
import app.oviya.common.error.GrpcErrors;
import app.oviya.common.error.ServiceException;
import app.oviya.memory.client.LocalEmbeddingModel;
import app.oviya.memory.config.EmbeddingSetup;
import app.oviya.memory.repository.VectorStore;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What callers see when the database or the embedding model is not there: no Quarkus. */
class UnavailableDependenciesTest {

    @Test
    void aDatabaseThatIsDownIsUnavailableWithTheUnavailableCode() {
        Vertx vertx = Vertx.vertx();
        try {
            Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
                    .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(1).setDatabase("oviya_memory_test")
                            .setUser("oviya").setPassword("oviya").setConnectTimeout(500))
                    .using(vertx).build();
            VectorStore store = new VectorStore(pool);
            Throwable failure = assertThrows(Throwable.class,
                    () -> store.nearest(UUID.randomUUID(), new float[384], 10).await().atMost(Duration.ofSeconds(10)));
            Throwable mapped = Failures.toService(failure);
            assertTrue(mapped instanceof ServiceException, "mapped: " + mapped);
            assertEquals(ErrorCode.UNAVAILABLE, ((ServiceException) mapped).code());

            StatusRuntimeException status = GrpcErrors.toStatus((ServiceException) mapped);
            assertEquals(Status.Code.UNAVAILABLE, status.getStatus().getCode());
            assertEquals("unavailable", status.getTrailers().get(GrpcErrors.ERROR_CODE));
            pool.closeAndAwait();
        } finally {
            vertx.closeAndAwait();
        }
    }

    @Test
    void otherFailuresAreNotDisguisedAsUnavailable() {
        IllegalStateException bug = new IllegalStateException("a bug");
        assertEquals(bug, Failures.toService(bug));
    }

    @Test
    void anEmbeddingModelThatFailsIsUnavailable() {
        dev.langchain4j.model.embedding.EmbeddingModel broken = new dev.langchain4j.model.embedding.EmbeddingModel() {
            @Override
            public dev.langchain4j.model.output.Response<List<dev.langchain4j.data.embedding.Embedding>> embedAll(
                    List<dev.langchain4j.data.segment.TextSegment> segments) {
                throw new IllegalStateException("onnx runtime crashed");
            }

            @Override
            public dev.langchain4j.model.output.Response<dev.langchain4j.data.embedding.Embedding> embed(
                    dev.langchain4j.data.segment.TextSegment segment) {
                throw new IllegalStateException("onnx runtime crashed");
            }
        };
        LocalEmbeddingModel model = new LocalEmbeddingModel(broken, 1, 1);
        try {
            ServiceException e = assertThrows(ServiceException.class,
                    () -> model.embedAll(List.of("hello")).await().atMost(Duration.ofSeconds(5)));
            assertEquals(ErrorCode.UNAVAILABLE, e.code());
        } finally {
            model.close();
        }
    }

    @Test
    void theConfiguredDimensionMustMatchTheModelAndTheColumn() {
        EmbeddingSetup.verify(384, 384, 384, "local");
        IllegalStateException column = assertThrows(IllegalStateException.class, () -> EmbeddingSetup.verify(1536, 1536, 384, "openai"));
        assertTrue(column.getMessage().contains("vector(384)"), column.getMessage());
        IllegalStateException model = assertThrows(IllegalStateException.class, () -> EmbeddingSetup.verify(1536, 384, 1536, "local"));
        assertTrue(model.getMessage().contains("EMBEDDING_DIMENSION=384"), model.getMessage());
    }
}
