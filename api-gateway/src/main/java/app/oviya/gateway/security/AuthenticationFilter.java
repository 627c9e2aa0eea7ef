package app.oviya.gateway.security;

import app.oviya.common.error.ServiceException;
import app.oviya.gateway.api.Problems;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every /v1 endpoint except the auth ones needs a valid access token. Nothing unauthenticated
 * gets through, whatever else is failing.
 */
public class AuthenticationFilter {

    public static final String CALLER = "oviya.caller";

    private final TokenVerifier verifier;

    public AuthenticationFilter(TokenVerifier verifier) {
        this.verifier = verifier;
    }

    @ServerRequestFilter(priority = 2000)
    public Uni<Response> authenticate(ContainerRequestContext request, RoutingContext rc) {
        String path = request.getUriInfo().getPath();
        if (!requiresToken(path) || "OPTIONS".equals(request.getMethod())) {
            return Uni.createFrom().nullItem();
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            return Uni.createFrom().item(unauthorized("a Bearer access token is required"));
        }
        return verifier.verify(header.substring(7).trim())
                .map(caller -> {
                    rc.put(CALLER, caller);
                    return (Response) null;
                })
                .onFailure(ServiceException.class).recoverWithItem(e -> unauthorized(((ServiceException) e).detail()))
                .onFailure().recoverWithItem(e -> Problems.response(ServiceException.unavailable("cannot verify tokens right now")));
    }

    /** The verified caller of a request that passed this filter. */
    public static Caller caller(RoutingContext rc) {
        Caller caller = rc.get(CALLER);
        if (caller == null) {
            throw ServiceException.unauthorized("a Bearer access token is required");
        }
        return caller;
    }

    static boolean requiresToken(String path) {
        return path.startsWith("/v1/") && !path.startsWith("/v1/auth/");
    }

    private static Response unauthorized(String detail) {
        return Response.fromResponse(Problems.response(ServiceException.unauthorized(detail)))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"oviya\"").build();
    }
}
