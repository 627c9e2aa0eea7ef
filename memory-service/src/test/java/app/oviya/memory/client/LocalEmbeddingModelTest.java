package app.oviya.memory.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.common.error.ErrorCode;
import app.oviya.common.error.ServiceException;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.output.Response;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The in-process model's pool, with a fake model that records the order texts are embedded in. */
class LocalEmbeddingModelTest {

    static final Duration WAIT = Duration.ofSeconds(5);

    /** Blocks on "block" until released; records every text it embeds. */
    static final class RecordingModel implements dev.langchain4j.model.embedding.EmbeddingModel {

        final List<String> order = new CopyOnWriteArrayList<>();
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            return Response.from(segments.stream().map(s -> embed(s).content()).toList());
        }

        @Override
        public Response<Embedding> embed(TextSegment segment) {
            if (segment.text().equals("block")) {
                started.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            order.add(segment.text());
            return Response.from(Embedding.from(new float[] {1, 0, 0}));
        }
    }

    @Test
    void aSearchQueryIsEmbeddedBeforeStoredMemoriesAlreadyWaiting() throws Exception {
        RecordingModel fake = new RecordingModel();
        LocalEmbeddingModel model = new LocalEmbeddingModel(fake, 1, 10);
        try {
            Uni<List<float[]>> busy = model.embedAll(List.of("block")).memoize().indefinitely();
            busy.subscribe().with(x -> { });
            assertTrue(fake.started.await(5, TimeUnit.SECONDS));
            Uni<List<float[]>> memory1 = model.embedAll(List.of("memory 1")).memoize().indefinitely();
            Uni<List<float[]>> memory2 = model.embedAll(List.of("memory 2")).memoize().indefinitely();
            memory1.subscribe().with(x -> { });
            memory2.subscribe().with(x -> { });
            Uni<float[]> query = model.embedQuery("query").memoize().indefinitely();
            query.subscribe().with(x -> { });
            fake.release.countDown();
            assertEquals(3, query.await().atMost(WAIT).length);
            memory1.await().atMost(WAIT);
            memory2.await().atMost(WAIT);
            assertEquals(List.of("block", "query", "memory 1", "memory 2"), fake.order);
        } finally {
            model.close();
        }
    }

    @Test
    void aFullQueueIsAClearRetryableUnavailable() throws Exception {
        RecordingModel fake = new RecordingModel();
        LocalEmbeddingModel model = new LocalEmbeddingModel(fake, 1, 1);
        try {
            model.embedAll(List.of("block")).subscribe().with(x -> { });
            assertTrue(fake.started.await(5, TimeUnit.SECONDS));
            model.embedAll(List.of("waits")).subscribe().with(x -> { });
            ServiceException e = assertThrows(ServiceException.class, () -> model.embedQuery("one too many").await().atMost(WAIT));
            assertEquals(ErrorCode.UNAVAILABLE, e.code());
            assertEquals(1L, e.retryAfterSeconds());
        } finally {
            fake.release.countDown();
            model.close();
        }
    }
}
