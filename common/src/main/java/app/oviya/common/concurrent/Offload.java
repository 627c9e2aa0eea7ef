package app.oviya.common.concurrent;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Runs CPU-heavy or blocking work (password hashing, embeddings) on a worker thread and brings the
 * result back to the caller's Vert.x context, where reactive database sessions must be used.
 */
public final class Offload {

    private Offload() {
    }

    public static <T> Uni<T> toWorker(Supplier<T> work) {
        return toWorker(work, Infrastructure.getDefaultWorkerPool());
    }

    public static <T> Uni<T> toWorker(Supplier<T> work, Executor workers) {
        Context context = Vertx.currentContext();
        Uni<T> onWorker = Uni.createFrom().item(work).runSubscriptionOn(workers);
        return context == null ? onWorker : onWorker.emitOn(backTo(context));
    }

    /** An executor that runs tasks on the given Vert.x context. */
    public static Executor backTo(Context context) {
        return task -> context.runOnContext(ignored -> task.run());
    }
}
