package app.oviya.gateway.realtime;

import io.smallrye.mutiny.Uni;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Bounds what one socket may owe its client. A frame is pending from the moment it is handed to
 * the connection until the connection has written it to the network; frames stay pending while
 * the client's TCP window is closed. A client that keeps its connection open but stops reading (a
 * phone in a tunnel, a stalled tab) would otherwise make the gateway buffer every event of the
 * user for it. Past {@code maxPending} the frame is dropped and {@code overflow} runs, once: the
 * socket is closed, and the client reloads what it missed when it reconnects.
 */
final class BoundedSender {

    private final int maxPending;
    private final Function<String, Uni<Void>> write;
    private final Runnable overflow;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean overflowed = new AtomicBoolean();

    BoundedSender(int maxPending, Function<String, Uni<Void>> write, Runnable overflow) {
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be at least 1");
        }
        this.maxPending = maxPending;
        this.write = write;
        this.overflow = overflow;
    }

    /** Writes the frame, or drops it (and overflows once) when the client is too far behind. Never throws. */
    void send(String frame) {
        if (overflowed.get()) {
            return;
        }
        if (pending.incrementAndGet() > maxPending) {
            pending.decrementAndGet();
            if (overflowed.compareAndSet(false, true)) {
                overflow.run();
            }
            return;
        }
        write.apply(frame).subscribe().with(ok -> pending.decrementAndGet(), failure -> pending.decrementAndGet());
    }

    /** Frames handed to the connection and not yet written. */
    int pending() {
        return pending.get();
    }

    boolean overflowed() {
        return overflowed.get();
    }
}
