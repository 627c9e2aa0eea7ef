package app.oviya.gateway.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The bound on what one socket owes its client, with writes the test completes by hand. */
class BoundedSenderTest {

    /** A connection whose writes complete only when the test says so (a client that is not reading). */
    static final class StalledConnection {
        final List<String> written = new ArrayList<>();
        final List<UniEmitter<? super Void>> unfinished = new ArrayList<>();

        Uni<Void> write(String frame) {
            return Uni.createFrom().emitter(e -> {
                written.add(frame);
                unfinished.add(e);
            });
        }

        void drain(int frames) {
            for (int i = 0; i < frames; i++) {
                unfinished.remove(0).complete(null);
            }
        }
    }

    @Test
    void framesFlowWhileTheClientKeepsUp() {
        StalledConnection c = new StalledConnection();
        AtomicInteger overflows = new AtomicInteger();
        BoundedSender sender = new BoundedSender(3, c::write, overflows::incrementAndGet);
        for (int i = 0; i < 100; i++) {
            sender.send("f" + i);
            c.drain(1);
        }
        assertEquals(100, c.written.size());
        assertEquals(0, sender.pending());
        assertEquals(0, overflows.get());
    }

    @Test
    void aClientThatStopsReadingIsClosedOnceAndOwedNoMoreThanTheBound() {
        StalledConnection c = new StalledConnection();
        AtomicInteger overflows = new AtomicInteger();
        BoundedSender sender = new BoundedSender(3, c::write, overflows::incrementAndGet);
        for (int i = 0; i < 3; i++) {
            sender.send("f" + i);
        }
        assertEquals(3, sender.pending());
        assertEquals(0, overflows.get(), "at the bound, not past it");
        for (int i = 3; i < 50; i++) {
            sender.send("f" + i);
        }
        assertEquals(List.of("f0", "f1", "f2"), c.written, "frames past the bound are dropped, not queued");
        assertEquals(1, overflows.get(), "the socket is closed once");
        assertTrue(sender.overflowed());
        // Once overflowed, nothing more is written, even when the client catches up: it reloads after reconnecting.
        c.drain(3);
        sender.send("late");
        assertEquals(3, c.written.size());
    }

    @Test
    void failedWritesFreeTheirPlace() {
        AtomicInteger overflows = new AtomicInteger();
        BoundedSender sender = new BoundedSender(2, frame -> Uni.createFrom().failure(new IllegalStateException("closed")),
                overflows::incrementAndGet);
        for (int i = 0; i < 10; i++) {
            sender.send("f" + i);
        }
        assertEquals(0, sender.pending());
        assertFalse(sender.overflowed());
    }

    @Test
    void aBoundBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BoundedSender(0, f -> Uni.createFrom().voidItem(), () -> { }));
    }
}
