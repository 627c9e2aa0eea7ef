package app.oviya.gateway.realtime;

import io.quarkus.vertx.http.runtime.filters.QuarkusRequestWrapper;
import io.vertx.core.http.HttpServerRequest;
import java.lang.reflect.Method;
import org.jboss.logging.Logger;

/**
 * Quarkus' graceful shutdown ({@code quarkus.shutdown.timeout}) waits for every HTTP request to end,
 * but Vert.x completes a WebSocket handshake without ending the response, so an upgraded request is
 * never counted as done: once any socket had opened, every shutdown of the gateway waited the whole
 * timeout (30 s). A socket is not a request to drain (clients reconnect to another replica), so its
 * request is marked done once the socket is open. Quarkus offers no public call for that, hence the
 * reflection; if it ever fails, the only effect is the slow shutdown again (logged once).
 */
final class UpgradedRequests {

    private static final Logger LOG = Logger.getLogger(UpgradedRequests.class);
    private static final Runnable NOTHING = () -> {
    };
    private static final Method DONE = doneMethod();

    private UpgradedRequests() {
    }

    /** What marks this upgrade request done; run it once the socket is open. */
    static Runnable release(HttpServerRequest request) {
        if (DONE == null) {
            return NOTHING;
        }
        try {
            QuarkusRequestWrapper wrapper = QuarkusRequestWrapper.get(request);
            return () -> {
                try {
                    DONE.invoke(wrapper);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    LOG.debugf("realtime: could not mark the upgrade request done: %s", e.toString());
                }
            };
        } catch (RuntimeException e) {
            LOG.debugf("realtime: no Quarkus request wrapper on the upgrade request: %s", e.toString());
            return NOTHING;
        }
    }

    private static Method doneMethod() {
        try {
            Method done = QuarkusRequestWrapper.class.getDeclaredMethod("done");
            done.setAccessible(true);
            return done;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warnf("realtime: open sockets will delay shutdown by quarkus.shutdown.timeout (%s)", e.toString());
            return null;
        }
    }
}
