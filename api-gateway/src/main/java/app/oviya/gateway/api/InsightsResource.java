package app.oviya.gateway.api;

import app.oviya.chat.v1.MoodDay;
import app.oviya.chat.v1.MoodLabel;
import app.oviya.chat.v1.MoodTimeline;
import app.oviya.common.error.ErrorCode;
import app.oviya.common.error.ServiceException;
import app.oviya.gateway.client.ChatClient;
import app.oviya.gateway.security.AuthenticationFilter;
import app.oviya.gateway.security.Caller;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** Mood insights (premium): how the caller has been feeling, from the emotions detected in their messages. */
@Path("/v1/insights")
@Produces(MediaType.APPLICATION_JSON)
public class InsightsResource {

    static final String PLAN = "premium";
    static final int DEFAULT_DAYS = 30;
    static final int MAX_DAYS = 365;

    private final ChatClient chat;

    public InsightsResource(ChatClient chat) {
        this.chat = chat;
    }

    @RegisterForReflection
    public record LabelJson(long count, double meanIntensity) {
    }

    /** One UTC day with at least one detected emotion; labels most frequent first. */
    @RegisterForReflection
    public record MoodDayJson(String date, String dominant, long count, Map<String, LabelJson> labels) {
    }

    @RegisterForReflection
    public record MoodJson(int days, String from, String to, List<MoodDayJson> items) {
    }

    @GET
    @Path("mood")
    @Operation(summary = "The caller's emotion timeline (premium)",
            description = "Per UTC day of the last `days` days (today included, default 30, 1..365): how many messages carried "
                    + "each detected emotion and their mean intensity (0..1), and the day's dominant emotion. Only days with at "
                    + "least one emotion are listed, oldest first.")
    @APIResponse(responseCode = "200", description = "the timeline")
    @APIResponse(responseCode = "400", description = "days is not a whole number in 1..365 (code validation_failed)")
    @APIResponse(responseCode = "403", description = "the caller's plan is not premium (code plan_required)")
    @APIResponse(responseCode = "503", description = "chat-service is unavailable (code unavailable)")
    public Uni<MoodJson> mood(@Parameter(description = "1..365, default 30") @QueryParam("days") String days, RoutingContext rc) {
        Caller caller = AuthenticationFilter.caller(rc);
        if (!PLAN.equals(caller.plan())) {
            throw new ServiceException(ErrorCode.PLAN_REQUIRED, "mood insights are part of the premium plan");
        }
        return chat.moodTimeline(caller.userId(), days(days)).map(InsightsResource::json);
    }

    static int days(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_DAYS;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 1 && n <= MAX_DAYS) {
                return n;
            }
        } catch (NumberFormatException notANumber) {
            // same answer as out of range
        }
        throw ServiceException.validation("days must be a whole number between 1 and " + MAX_DAYS);
    }

    static MoodJson json(MoodTimeline t) {
        return new MoodJson(t.getDays(), t.getFrom(), t.getTo(), t.getItemsList().stream().map(InsightsResource::day).toList());
    }

    private static MoodDayJson day(MoodDay d) {
        Map<String, LabelJson> labels = new LinkedHashMap<>();
        for (MoodLabel l : d.getLabelsList()) {
            labels.put(l.getLabel(), new LabelJson(l.getCount(), Math.round(l.getMeanIntensity() * 1000) / 1000.0));
        }
        return new MoodDayJson(d.getDate(), d.getDominant(), d.getCount(), labels);
    }
}
