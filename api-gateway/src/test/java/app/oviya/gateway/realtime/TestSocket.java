package app.oviya.gateway.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A plain Vert.x WebSocket client for the tests: collects the text frames and the close code. */
final class TestSocket implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(10);

    final WebSocket ws;
    private final WebSocketClient client;
    private final LinkedBlockingQueue<JsonObject> frames;
    final CompletableFuture<Short> closeStatus;

    private TestSocket(WebSocketClient client, WebSocket ws, LinkedBlockingQueue<JsonObject> frames, CompletableFuture<Short> closeStatus) {
        this.client = client;
        this.ws = ws;
        this.frames = frames;
        this.closeStatus = closeStatus;
    }

    static WebSocketConnectOptions options(URL base, String uri) {
        return new WebSocketConnectOptions().setHost(base.getHost()).setPort(base.getPort()).setURI(uri);
    }

    static TestSocket open(Vertx vertx, WebSocketConnectOptions options) {
        WebSocketClient client = vertx.createWebSocketClient();
        LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
        CompletableFuture<Short> closeStatus = new CompletableFuture<>();
        try {
            // Handlers are set in the connect callback, on the event loop, before any frame can be read:
            // the server may send one (session.expiring) as soon as it is open.
            WebSocket ws = client.connect(options).map(w -> {
                w.textMessageHandler(t -> frames.add(new JsonObject(t)));
                w.closeHandler(v -> closeStatus.complete(w.closeStatusCode()));
                return w;
            }).toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            return new TestSocket(client, ws, frames, closeStatus);
        } catch (Exception e) {
            client.close();
            throw new IllegalStateException("no upgrade: " + e, e);
        }
    }

    /** The upgrade's status when it is refused (and fails the test when it is not). */
    static int refusedStatus(Vertx vertx, WebSocketConnectOptions options) {
        WebSocketClient client = vertx.createWebSocketClient();
        try {
            client.connect(options).toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            throw new AssertionError("the upgrade was accepted");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof UpgradeRejectedException rejected) {
                return rejected.getStatus();
            }
            throw new AssertionError("unexpected failure " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            client.close();
        }
    }

    static TestSocket withSubprotocol(Vertx vertx, URL base, String token) {
        return open(vertx, options(base, "/v1/realtime").setSubProtocols(List.of(RealtimeUpgradeCheck.SUBPROTOCOL, "bearer." + token)));
    }

    static TestSocket withQuery(Vertx vertx, URL base, String token) {
        return open(vertx, options(base, "/v1/realtime?access_token=" + token));
    }

    void send(String text) {
        ws.writeTextMessage(text).toCompletionStage().toCompletableFuture().join();
    }

    JsonObject next() {
        try {
            JsonObject f = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(f, "no frame within " + WAIT);
            return f;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    JsonObject next(String type) {
        JsonObject f = next();
        assertEquals(type, f.getString("type"), f.encode());
        return f;
    }

    void assertNoFrameWithin(Duration d) {
        try {
            assertNull(frames.poll(d.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Frames received so far and not yet taken with {@link #next()}. */
    int received() {
        return frames.size();
    }

    int closeCode() {
        try {
            return closeStatus.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the socket was not closed within " + WAIT, e);
        }
    }

    @Override
    public void close() {
        if (!ws.isClosed()) {
            ws.close();
        }
        client.close();
    }
}
