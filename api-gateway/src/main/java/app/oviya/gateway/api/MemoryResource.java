package app.oviya.gateway.api;

import app.oviya.common.error.ServiceException;
import app.oviya.gateway.client.MemoryClient;
import app.oviya.gateway.security.AuthenticationFilter;
import app.oviya.gateway.security.Caller;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** What Oviya remembers about the caller, and forgetting it. */
@Path("/v1/memories")
@Produces(MediaType.APPLICATION_JSON)
public class MemoryResource {

    private final MemoryClient memory;

    public MemoryResource(MemoryClient memory) {
        this.memory = memory;
    }

    @GET
    public Uni<Json.Page<Json.MemoryJson>> list(@QueryParam("query") String query, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor, RoutingContext rc) {
        Caller caller = AuthenticationFilter.caller(rc);
        int n = Paging.limit(limit);
        if (query != null && !query.isBlank()) {
            return memory.search(caller.userId(), query.strip(), n)
                    .map(r -> new Json.Page<>(r.getItemsList().stream().map(m -> Json.memory(m, true)).toList(), null));
        }
        return memory.list(caller.userId(), n, cursor)
                .map(p -> new Json.Page<>(p.getItemsList().stream().map(m -> Json.memory(m, false)).toList(),
                        Json.emptyToNull(p.getNextCursor())));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> remember(Json.MemoryBody body, RoutingContext rc) {
        Caller caller = AuthenticationFilter.caller(rc);
        if (body == null || body.content() == null || body.content().isBlank()) {
            throw ServiceException.validation("content is required");
        }
        return memory.remember(caller.userId(), body.content())
                .map(m -> Response.status(201).entity(Json.memory(m, false)).build());
    }

    @DELETE
    @Path("{id}")
    public Uni<Response> forget(@PathParam("id") String id, RoutingContext rc) {
        Caller caller = AuthenticationFilter.caller(rc);
        return memory.forget(caller.userId(), id).replaceWith(Response.noContent().build());
    }

    @DELETE
    public Uni<Response> forgetAll(RoutingContext rc) {
        Caller caller = AuthenticationFilter.caller(rc);
        return memory.forgetAll(caller.userId()).replaceWith(Response.noContent().build());
    }
}
