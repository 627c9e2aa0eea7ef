package app.oviya.gateway.api;

import app.oviya.gateway.client.AuthClient;
import app.oviya.gateway.security.AuthenticationFilter;
import app.oviya.gateway.security.Caller;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

@Path("/v1/me")
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {

    private final AuthClient auth;

    public MeResource(AuthClient auth) {
        this.auth = auth;
    }

    @GET
    public Uni<Json.UserJson> me(RoutingContext rc) {
        Caller caller = AuthenticationFilter.caller(rc);
        return auth.user(caller.userId()).map(Json::user);
    }
}
