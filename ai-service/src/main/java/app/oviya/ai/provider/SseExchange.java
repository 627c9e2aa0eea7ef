package app.oviya.ai.provider;

import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * One streaming request to a model server, whatever its wire format: sends the request, fails it
 * when no first token arrives in time, classifies connection failures, feeds the SSE body to the
 * provider's {@link Protocol}, and ends the exchange exactly once — completed, failed, or aborted
 * because the subscriber went away (which closes the connection so nobody pays for unread tokens).
 * Every callback runs on the same Vert.x context.
 */
final class SseExchange {

    /** What differs between providers: reading events, the end of the body, and error answers. */
    interface Protocol {
        void onEvent(String event, String data);

        void onEndOfBody();

        ProviderException httpError(HttpClientResponse response, String body);
    }

    private final Vertx vertx;
    private final MultiEmitter<? super ProviderEvent> emitter;
    /** How messages name the other side, e.g. "Anthropic" or "the model server". */
    private final String peer;
    private final AtomicBoolean firstToken = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final AtomicReference<HttpClientRequest> request = new AtomicReference<>();
    private long timer = -1;

    private SseExchange(Vertx vertx, MultiEmitter<? super ProviderEvent> emitter, String peer) {
        this.vertx = vertx;
        this.emitter = emitter;
        this.peer = peer;
    }

    static void start(Vertx vertx, HttpClient http, RequestOptions options, Buffer payload, Duration firstTokenTimeout,
            String peer, MultiEmitter<? super ProviderEvent> emitter, Function<SseExchange, Protocol> protocolFactory) {
        SseExchange exchange = new SseExchange(vertx, emitter, peer);
        exchange.run(http, options, payload, firstTokenTimeout, protocolFactory.apply(exchange));
    }

    private void run(HttpClient http, RequestOptions options, Buffer payload, Duration firstTokenTimeout, Protocol protocol) {
        timer = vertx.setTimer(firstTokenTimeout.toMillis(), id -> {
            if (!firstToken.get()) {
                fail(ProviderException.timeout("no first token from " + peer + " within " + firstTokenTimeout));
            }
        });
        emitter.onTermination(this::abort);
        http.request(options).onComplete(ar -> {
            if (ar.failed()) {
                fail(ProviderException.connection("cannot reach " + peer + ": " + ar.cause().getMessage(), ar.cause()));
                return;
            }
            HttpClientRequest req = ar.result();
            request.set(req);
            if (finished.get()) {
                req.reset();
                return;
            }
            req.exceptionHandler(err -> fail(failure(err)));
            req.send(payload).onComplete(sent -> {
                if (sent.failed()) {
                    fail(failure(sent.cause()));
                    return;
                }
                HttpClientResponse response = sent.result();
                if (response.statusCode() != 200) {
                    response.body().onComplete(b -> fail(protocol.httpError(response, b.succeeded() ? b.result().toString() : "")));
                    return;
                }
                SseParser parser = new SseParser((event, data) -> {
                    if (!finished.get()) {
                        protocol.onEvent(event, data);
                    }
                });
                response.exceptionHandler(err -> fail(failure(err)));
                response.handler(parser::feed);
                response.endHandler(v -> {
                    if (!finished.get()) {
                        protocol.onEndOfBody();
                    }
                });
            });
        });
    }

    boolean isFinished() {
        return finished.get();
    }

    void delta(String text) {
        if (text == null || text.isEmpty() || finished.get()) {
            return;
        }
        firstToken.set(true);
        emitter.emit(new ProviderEvent.Delta(text));
    }

    void complete(ProviderEvent.Done done) {
        if (finished.compareAndSet(false, true)) {
            vertx.cancelTimer(timer);
            emitter.emit(done);
            emitter.complete();
        }
    }

    void fail(ProviderException e) {
        if (finished.compareAndSet(false, true)) {
            vertx.cancelTimer(timer);
            close(request.get());
            emitter.fail(e);
        }
    }

    /** The subscriber went away (client cancelled, deadline): stop paying for tokens nobody reads. */
    private void abort() {
        if (finished.compareAndSet(false, true)) {
            vertx.cancelTimer(timer);
            close(request.get());
        }
    }

    private ProviderException failure(Throwable err) {
        if (err instanceof ProviderException p) {
            return p;
        }
        String msg = String.valueOf(err.getMessage());
        if (err instanceof java.util.concurrent.TimeoutException || msg.toLowerCase(Locale.ROOT).contains("timeout")) {
            return ProviderException.timeout(peer + " stopped sending data: " + msg);
        }
        return ProviderException.connection("connection to " + peer + " failed: " + msg, err);
    }

    /**
     * Stops the exchange. On HTTP/1.1 a half-read response would otherwise keep its pooled connection busy
     * (the next request could queue behind it), so the connection is closed, not just the request reset.
     */
    private static void close(HttpClientRequest r) {
        if (r != null) {
            r.reset();
            r.connection().close();
        }
    }
}
