package app.oviya.gateway.ratelimit;

import app.oviya.common.error.ServiceException;
import app.oviya.gateway.api.ClientAddresses;
import app.oviya.gateway.api.Problems;
import app.oviya.gateway.security.AuthenticationFilter;
import app.oviya.gateway.security.Caller;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Applies the limits after authentication (priority 2000): messages per user (rate and daily
 * quota by plan) and register/login per client address. Limited calls carry RateLimit-Policy
 * and RateLimit whatever the answer; refusals are 429 problems with Retry-After. A message over
 * its limits is refused by {@link CrisisDeferral} once its body is read, so that a message that
 * may be a crisis is never refused (reading the body here, with readBody, breaks SSE error replies).
 */
public class RateLimitFilter {

    private static final Logger LOG = Logger.getLogger(RateLimitFilter.class);
    static final String DEFERRED_REFUSAL = "oviya.rate-limit.refusal";
    private static final Pattern SEND_MESSAGE = Pattern.compile("^/v1/conversations/[^/]+/messages/?$");

    private final RateLimiter limiter;
    private final RateLimits limits;
    private final ClientAddresses clientAddresses;

    public RateLimitFilter(RateLimiter limiter, RateLimits limits, ClientAddresses clientAddresses) {
        this.limiter = limiter;
        this.limits = limits;
        this.clientAddresses = clientAddresses;
    }

    @ServerRequestFilter(priority = 3000)
    public Uni<Response> limit(ContainerRequestContext request, RoutingContext rc) {
        if (!limits.settings().enabled() || !"POST".equals(request.getMethod())) {
            return Uni.createFrom().nullItem();
        }
        String path = request.getUriInfo().getPath();
        if (path.equals("/v1/auth/register") || path.equals("/v1/auth/login")) {
            return limiter.authAttempt(clientAddresses.of(rc), limits.settings().authPerIpPerMinute())
                    .map(d -> answer(d, rc));
        }
        if (SEND_MESSAGE.matcher(path).matches()) {
            Caller caller = rc.get(AuthenticationFilter.CALLER);
            if (caller == null) {
                // AuthenticationFilter refuses these first; never let an unauthenticated one through.
                return Uni.createFrom().item(Problems.response(ServiceException.unauthorized("a Bearer access token is required")));
            }
            return limiter.message(caller.userId(), limits.forPlan(caller.plan())).map(d -> {
                Response refusal = answer(d, rc);
                if (refusal != null) {
                    // The body is not read yet: CrisisDeferral refuses once it has seen the content.
                    rc.put(DEFERRED_REFUSAL, refusal(d));
                }
                return null;
            });
        }
        return Uni.createFrom().nullItem();
    }

    /** The 429 a message over the limit gets, unless its content may be a crisis. */
    static ServiceException refusal(RateLimiter.Decision d) {
        String detail = switch (d.deniedBy()) {
            case DAILY_QUOTA_EXCEEDED -> "today's message quota of your plan is used up; it resets at midnight UTC";
            default -> "too many requests; retry after " + d.retryAfterSeconds() + " s";
        };
        return new ServiceException(d.deniedBy(), detail, d.retryAfterSeconds());
    }

    private static Response answer(RateLimiter.Decision d, RoutingContext rc) {
        MultiMap headers = rc.response().headers();
        headers.set("RateLimit-Policy", d.policy());
        headers.set("RateLimit", d.rateLimit());
        if (d.allowed()) {
            return null;
        }
        return Problems.response(refusal(d));
    }
}
