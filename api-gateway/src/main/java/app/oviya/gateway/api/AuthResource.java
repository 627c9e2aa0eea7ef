package app.oviya.gateway.api;

import app.oviya.common.error.ServiceException;
import app.oviya.gateway.client.AuthClient;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Account endpoints: the only /v1 calls that need no token. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {

    private final AuthClient auth;
    private final ClientAddresses clientAddresses;

    public AuthResource(AuthClient auth, ClientAddresses clientAddresses) {
        this.auth = auth;
        this.clientAddresses = clientAddresses;
    }

    @POST
    @Path("v1/auth/register")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> register(Json.RegisterBody body, RoutingContext rc) {
        if (body == null) {
            throw ServiceException.validation("a JSON body with email and password is required");
        }
        return auth.register(body.email(), body.password(), body.displayName(), clientAddresses.of(rc))
                .map(r -> Response.status(201).entity(Json.tokens(r)).build());
    }

    @POST
    @Path("v1/auth/login")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Json.TokenResponse> login(Json.LoginBody body, RoutingContext rc) {
        if (body == null) {
            throw ServiceException.validation("a JSON body with email and password is required");
        }
        return auth.login(body.email(), body.password(), clientAddresses.of(rc)).map(Json::tokens);
    }

    @POST
    @Path("v1/auth/refresh")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Json.TokenResponse> refresh(Json.RefreshBody body) {
        if (body == null || body.refreshToken() == null || body.refreshToken().isBlank()) {
            throw ServiceException.validation("refreshToken is required");
        }
        return auth.refresh(body.refreshToken()).map(Json::tokens);
    }

    @POST
    @Path("v1/auth/logout")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> logout(Json.RefreshBody body) {
        if (body == null || body.refreshToken() == null || body.refreshToken().isBlank()) {
            throw ServiceException.validation("refreshToken is required");
        }
        return auth.logout(body.refreshToken()).replaceWith(Response.noContent().build());
    }

    @GET
    @Path(".well-known/jwks.json")
    public Uni<Response> jwks() {
        return auth.jwks().map(json -> Response.ok(json, MediaType.APPLICATION_JSON_TYPE)
                .header("Cache-Control", "public, max-age=300").build());
    }
}
