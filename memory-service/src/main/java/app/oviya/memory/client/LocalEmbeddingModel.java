package app.oviya.memory.client;

import app.oviya.common.concurrent.Offload;
import app.oviya.common.embedding.MiniLm;
import app.oviya.common.error.ServiceException;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * all-MiniLM-L6-v2 (quantized ONNX, 384 dimensions) in process. Inference is CPU-bound, so it runs
 * on its own pool sized to the cores with a bounded queue (never on the event loop, never
 * unbounded), and the result comes back to the caller's Vert.x context.
 *
 * <p>The queue is served by priority: a search query ({@link #embedQuery}), which a reply is
 * waiting for, goes before stored memories ({@link #embedAll}: extraction after a turn, explicit
 * memories, backfill), which nobody is watching. Without this a search waited behind the
 * extraction of earlier turns, and under load chat-service's short search deadline ran out.
 */
public class LocalEmbeddingModel implements EmbeddingModel, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalEmbeddingModel.class);
    public static final int DIMENSION = 384;

    private final ThreadPoolExecutor workers;
    private final int queueLimit;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong order = new AtomicLong();
    private final Executor urgent = task -> submit(task, 0);
    private final Executor background = task -> submit(task, 1);
    private final dev.langchain4j.model.embedding.EmbeddingModel model;

    public LocalEmbeddingModel(int threads, int queue) {
        this(MiniLm.quantized(), threads, queue);
    }

    public LocalEmbeddingModel(dev.langchain4j.model.embedding.EmbeddingModel model, int threads, int queue) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        AtomicInteger seq = new AtomicInteger();
        this.queueLimit = Math.max(1, queue);
        this.workers = new ThreadPoolExecutor(n, n, 60, TimeUnit.SECONDS, new PriorityBlockingQueue<>(), r -> {
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
    public String name() {
        return MiniLm.MODEL_ID;
    }

    @Override
    public Uni<List<float[]>> embedAll(List<String> texts) {
        return embed(texts, background);
    }

    @Override
    public Uni<float[]> embedQuery(String text) {
        return embed(List.of(text), urgent).map(l -> l.get(0));
    }

    private Uni<List<float[]>> embed(List<String> texts, Executor lane) {
        return Offload.toWorker(() -> {
            // One text at a time on this worker: the model's own batch path would fan out to
            // another pool and defeat the bound on concurrency.
            List<float[]> out = new ArrayList<>(texts.size());
            for (String text : texts) {
                Embedding e = model.embed(TextSegment.from(text)).content();
                out.add(EmbeddingModel.normalize(e.vector()));
            }
            return out;
        }, lane).onFailure().transform(LocalEmbeddingModel::unavailable);
    }

    /** Queues a task with a priority (0 first), first come first served within one; at most queueLimit waiting. */
    private void submit(Runnable task, int priority) {
        if (queued.incrementAndGet() > queueLimit) {
            queued.decrementAndGet();
            throw new RejectedExecutionException("embedding queue full");
        }
        try {
            workers.execute(new Prioritized(task, priority, order.incrementAndGet()));
        } catch (RejectedExecutionException e) {
            queued.decrementAndGet();
            throw e;
        }
    }

    private final class Prioritized implements Runnable, Comparable<Prioritized> {

        private final Runnable task;
        private final int priority;
        private final long sequence;

        Prioritized(Runnable task, int priority, long sequence) {
            this.task = task;
            this.priority = priority;
            this.sequence = sequence;
        }

        @Override
        public void run() {
            queued.decrementAndGet();
            task.run();
        }

        @Override
        public int compareTo(Prioritized other) {
            return priority != other.priority ? Integer.compare(priority, other.priority) : Long.compare(sequence, other.sequence);
        }
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
