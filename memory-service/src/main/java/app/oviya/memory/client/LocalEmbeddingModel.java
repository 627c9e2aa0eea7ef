package app.oviya.memory.client;

import app.oviya.common.concurrent.Offload;
import app.oviya.common.error.ServiceException;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * all-MiniLM-L6-v2 (quantized ONNX, 384 dimensions) in process. Inference is CPU-bound, so it runs
 * on its own pool sized to the cores with a bounded queue (never on the event loop, never
 * unbounded), and the result comes back to the caller's Vert.x context.
 */
public class LocalEmbeddingModel implements EmbeddingModel, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalEmbeddingModel.class);
    public static final int DIMENSION = 384;

    private final ExecutorService workers;
    private final dev.langchain4j.model.embedding.EmbeddingModel model;

    public LocalEmbeddingModel(int threads, int queue) {
        this(new AllMiniLmL6V2QuantizedEmbeddingModel(), threads, queue);
    }

    public LocalEmbeddingModel(dev.langchain4j.model.embedding.EmbeddingModel model, int threads, int queue) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        AtomicInteger seq = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(n, n, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(Math.max(1, queue)), r -> {
            Thread t = new Thread(r, "embedding-" + seq.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.model = model;
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public Uni<List<float[]>> embedAll(List<String> texts) {
        return Offload.toWorker(() -> {
            // One text at a time on this worker: the model's own batch path would fan out to
            // another pool and defeat the bound on concurrency.
            List<float[]> out = new ArrayList<>(texts.size());
            for (String text : texts) {
                Embedding e = model.embed(TextSegment.from(text)).content();
                out.add(EmbeddingModel.normalize(e.vector()));
            }
            return out;
        }, workers).onFailure().transform(LocalEmbeddingModel::unavailable);
    }

    private static Throwable unavailable(Throwable t) {
        if (t instanceof ServiceException) {
            return t;
        }
        if (t instanceof RejectedExecutionException) {
            return new ServiceException(app.oviya.common.error.ErrorCode.UNAVAILABLE,
                    "The embedding model is overloaded; please retry.", 1L, t);
        }
        LOG.errorf(t, "In-process embedding failed");
        return new ServiceException(app.oviya.common.error.ErrorCode.UNAVAILABLE, "The embedding model is unavailable.", null, t);
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
