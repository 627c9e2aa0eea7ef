package app.oviya.gateway.api;

import app.oviya.common.error.ServiceException;
import app.oviya.gateway.client.AuthClient;
import app.oviya.gateway.client.UserProfiles;
import app.oviya.gateway.ratelimit.RateLimiter;
import app.oviya.gateway.ratelimit.RateLimits;
import app.oviya.gateway.security.AuthenticationFilter;
import app.oviya.gateway.security.Caller;
import app.oviya.gateway.stream.OwnedConversations;
import app.oviya.auth.v1.User;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The caller's own account: profile, today's usage, deletion and export. */
@Path("/v1/me")
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {

    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

    private final AuthClient auth;
    private final RateLimiter limiter;
    private final RateLimits limits;
    private final AccountData data;
    private final OwnedConversations owned;
    private final UserProfiles profiles;

    public MeResource(AuthClient auth, RateLimiter limiter, RateLimits limits, AccountData data, OwnedConversations owned,
            UserProfiles profiles) {
        this.auth = auth;
        this.limiter = limiter;
        this.limits = limits;
        this.data = data;
        this.owned = owned;
        this.profiles = profiles;
    }

    @GET
    public Uni<Json.MeJson> me(RoutingContext rc) {
        Caller caller = AuthenticationFilter.caller(rc);
        return auth.user(caller.userId()).chain(this::withUsage);
    }

    @PATCH
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Json.MeJson> update(Json.ProfilePatch body, RoutingContext rc) {
        Caller caller = AuthenticationFilter.caller(rc);
        if (body == null || (body.displayName() == null && body.timezone() == null && body.persona() == null && body.country() == null)) {
            throw ServiceException.validation("send at least one of displayName, timezone, persona, country");
        }
        return auth.updateProfile(caller.userId(), body.displayName(), body.timezone(), body.persona(), country(body.country()))
                .invoke(profiles::remember)
                .chain(this::withUsage);
    }

    /** ISO 3166-1 alpha-2, upper-cased; "" removes the country; checked here so a bad code never reaches auth-service. */
    static String country(String country) {
        if (country == null) {
            return null;
        }
        String c = country.strip().toUpperCase(Locale.ROOT);
        if (!c.isEmpty() && !COUNTRIES.contains(c)) {
            throw ServiceException.validation("country must be an ISO 3166-1 alpha-2 code such as GB or US, or \"\" to remove it");
        }
        return c;
    }

    @DELETE
    public Uni<Response> delete(RoutingContext rc) {
        Caller caller = AuthenticationFilter.caller(rc);
        owned.forgetUser(caller.userId());
        profiles.forget(caller.userId());
        return data.delete(caller.userId()).replaceWith(Response.noContent().build());
    }

    @GET
    @Path("export")
    public Uni<Response> export(RoutingContext rc) {
        Caller caller = AuthenticationFilter.caller(rc);
        return data.export(caller.userId()).map((Map<String, Object> body) -> Response.ok(body)
                .header("Content-Disposition", "attachment; filename=\"oviya-export.json\"")
                .header("Cache-Control", "no-store").build());
    }

    private Uni<Json.MeJson> withUsage(User user) {
        RateLimiter.Limits l = limits.forPlan(Json.plan(user.getPlan()));
        return limiter.usage(user.getId(), l).map(u -> Json.me(user,
                new Json.UsageJson(u.date(), u.messagesToday(), u.limit(), u.remaining(), u.resetsAt()),
                new Json.LimitsJson(l.perMinute(), l.dailyLimited() ? l.perDay() : null)));
    }
}
