package app.oviya.gateway.ratelimit;

import app.oviya.common.safety.CrisisSignals;
import app.oviya.common.error.ServiceException;
import app.oviya.gateway.api.Json;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.IOException;
import org.jboss.logging.Logger;

/**
 * Carries out a message refusal that {@link RateLimitFilter} deferred until the body is read:
 * the message goes through only when its content may be a crisis ({@link app.oviya.common.safety.CrisisSignals}, the same phrases ai-service uses); any
 * other body, of any type, is refused with the 429 the filter decided.
 */
@Provider
public class CrisisDeferral implements ReaderInterceptor {

    private static final Logger LOG = Logger.getLogger(CrisisDeferral.class);

    private final RoutingContext rc;

    public CrisisDeferral(RoutingContext rc) {
        this.rc = rc;
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        Object entity = context.proceed();
        ServiceException refusal = rc.get(RateLimitFilter.DEFERRED_REFUSAL);
        if (refusal == null) {
            return entity;
        }
        if (entity instanceof Json.MessageBody body && CrisisSignals.highRisk(body.content())) {
            LOG.info("Message over the limit let through: it may be a crisis");
            return entity;
        }
        throw refusal;
    }
}
