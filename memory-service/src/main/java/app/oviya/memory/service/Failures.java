package app.oviya.memory.service;

import app.oviya.common.error.ErrorCode;
import app.oviya.common.error.ServiceException;
import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * Turns "the database is not there" into UNAVAILABLE (code {@code unavailable}) so callers such as
 * chat-service can tell it from a bug and answer without memories. Anything else is left alone.
 */
public final class Failures {

    private static final Logger LOG = Logger.getLogger(Failures.class);

    private Failures() {
    }

    public static Throwable toService(Throwable t) {
        if (t instanceof ServiceException) {
            return t;
        }
        if (databaseUnavailable(t)) {
            LOG.warnf("Memory database unavailable: %s", t.toString());
            return new ServiceException(ErrorCode.UNAVAILABLE, "The memory database is unavailable; please retry.", 1L, t);
        }
        return t;
    }

    static boolean databaseUnavailable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ConnectException || c instanceof java.nio.channels.ClosedChannelException
                    || c instanceof io.netty.channel.ConnectTimeoutException) {
                return true;
            }
            if (c instanceof PgException pg && pg.getSqlState() != null) {
                String state = pg.getSqlState();
                // 08: connection exception, 57P0x: server shutting down, 53: insufficient resources.
                if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")) {
                    return true;
                }
            }
            String msg = c.getMessage() == null ? "" : c.getMessage().toLowerCase(Locale.ROOT);
            if (c.getClass().getName().startsWith("io.vertx") && (msg.contains("connection") || msg.contains("closed")
                    || msg.contains("timeout") || msg.contains("pool"))) {
                return true;
            }
        }
        return false;
    }
}
