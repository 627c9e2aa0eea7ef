package app.oviya.gateway.web;

import app.oviya.common.grpc.RequestIds;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.UUID;
import org.jboss.logging.MDC;

/**
 * Runs first for every HTTP request, static files and errors included: assigns the request id
 * (echoing a sane client one), puts it in the logs, and sets the security headers.
 */
@Singleton
public class RequestIdFilter {

    void register(@Observes Filters filters) {
        filters.register(this::handle, 1000);
    }

    void handle(RoutingContext rc) {
        String id = rc.request().getHeader(RequestIds.HTTP_HEADER);
        if (!RequestIds.isAcceptable(id)) {
            id = UUID.randomUUID().toString();
        }
        MDC.put(RequestIds.MDC_KEY, id);
        String requestId = id;
        rc.response().headers()
                .set(RequestIds.HTTP_HEADER, requestId)
                .set("X-Content-Type-Options", "nosniff")
                .set("X-Frame-Options", "DENY")
                .set("Referrer-Policy", "no-referrer")
                .set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        if (!rc.request().path().startsWith("/q/")) {
            rc.response().headers().set("Content-Security-Policy",
                    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
        }
        rc.next();
    }
}
