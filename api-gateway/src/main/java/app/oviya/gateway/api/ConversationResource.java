package app.oviya.gateway.api;

import app.oviya.chat.v1.ChatEvent;
import app.oviya.common.error.ErrorCode;
import app.oviya.common.error.ServiceException;
import app.oviya.gateway.client.ChatClient;
import app.oviya.gateway.client.UserProfiles;
import app.oviya.gateway.security.AuthenticationFilter;
import app.oviya.gateway.security.Caller;
import app.oviya.gateway.stream.OwnedConversations;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.Map;

/** Conversations and messages; sending a message answers as SSE or as one JSON document. */
@Path("/v1/conversations")
@Produces(MediaType.APPLICATION_JSON)
public class ConversationResource {

    static final int MAX_CONTENT = 4000;

    private final ChatClient chat;
    private final ObjectMapper mapper;
    private final OwnedConversations owned;
    private final UserProfiles profiles;

    public ConversationResource(ChatClient chat, ObjectMapper mapper, OwnedConversations owned, UserProfiles profiles) {
        this.chat = chat;
        this.mapper = mapper;
        this.owned = owned;
        this.profiles = profiles;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(Json.ConversationBody body, RoutingContext rc) {
        Caller caller = AuthenticationFilter.caller(rc);
        String title = body == null ? null : body.title();
        return chat.create(caller.userId(), title)
                .map(c -> Response.status(201).entity(Json.conversation(c)).build());
    }

    @GET
    public Uni<Json.Page<Json.ConversationJson>> list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor,
            RoutingContext rc) {
        Caller caller = AuthenticationFilter.caller(rc);
        return chat.list(caller.userId(), Paging.limit(limit), cursor)
                .map(p -> new Json.Page<>(p.getItemsList().stream().map(Json::conversation).toList(), Json.emptyToNull(p.getNextCursor())));
    }

    @GET
    @Path("{id}")
    public Uni<Json.ConversationJson> get(@PathParam("id") String id, RoutingContext rc) {
        Caller caller = AuthenticationFilter.caller(rc);
        return chat.get(caller.userId(), id).map(Json::conversation);
    }

    @PATCH
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Json.ConversationJson> rename(@PathParam("id") String id, Json.ConversationBody body, RoutingContext rc) {
        Caller caller = AuthenticationFilter.caller(rc);
        if (body == null || body.title() == null || body.title().isBlank()) {
            throw ServiceException.validation("title is required");
        }
        return chat.rename(caller.userId(), id, body.title()).map(Json::conversation);
    }

    @DELETE
    @Path("{id}")
    public Uni<Response> delete(@PathParam("id") String id, RoutingContext rc) {
        Caller caller = AuthenticationFilter.caller(rc);
        owned.forget(caller.userId(), id);
        return chat.delete(caller.userId(), id).map(v -> Response.noContent().build());
    }

    @GET
    @Path("{id}/messages")
    public Uni<Json.Page<Json.MessageJson>> messages(@PathParam("id") String id, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor, RoutingContext rc) {
        Caller caller = AuthenticationFilter.caller(rc);
        return chat.messages(caller.userId(), id, Paging.limit(limit), cursor)
                .map(p -> new Json.Page<>(p.getItemsList().stream().map(Json::message).toList(), Json.emptyToNull(p.getNextCursor())));
    }

    /** JSON mode: waits for the reply and answers 201 with both messages. */
    @POST
    @Path("{id}/messages")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> send(@PathParam("id") String id, Json.MessageBody body,
            @HeaderParam("Idempotency-Key") String idempotencyKey, RoutingContext rc) {
        Caller caller = AuthenticationFilter.caller(rc);
        String content = validContent(body);
        return profiles.of(caller.userId())
                .onItem().transformToMulti(profile -> chat.send(caller.userId(), caller.plan(), profile, id, content, idempotencyKey))
                .collect().asList().map(events -> {
            Json.MessageJson message = null;
            Json.MessageJson reply = null;
            for (ChatEvent e : events) {
                switch (e.getEventCase()) {
                    case MESSAGE_CREATED -> message = Json.message(e.getMessageCreated());
                    case REPLY_COMPLETED -> reply = Json.message(e.getReplyCompleted());
                    case ERROR -> {
                        ErrorCode code = ErrorCode.fromCode(e.getError().getCode());
                        Map<String, Object> problem = Problems.body(code == null ? ErrorCode.UNAVAILABLE : code, e.getError().getDetail());
                        if (message != null) {
                            // The user message is stored: a retry with the same Idempotency-Key continues it.
                            problem.put("messageId", message.id());
                        }
                        return Response.status((Integer) problem.get("status")).type(Problems.MEDIA_TYPE).entity(problem)
                                .header("Retry-After", e.getError().getRetryable() ? 1 : null).build();
                    }
                    default -> {
                    }
                }
            }
            if (message == null || reply == null) {
                throw ServiceException.unavailable("the reply ended early; please retry");
            }
            return Response.status(201).entity(new Json.ExchangeJson(message, reply)).build();
        });
    }

    /** SSE mode: message.created, reply.delta..., reply.completed (or error), each with an id. */
    @POST
    @Path("{id}/messages")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> sendStream(@PathParam("id") String id, Json.MessageBody body,
            @HeaderParam("Idempotency-Key") String idempotencyKey, @Context Sse sse, RoutingContext rc) {
        Caller caller = AuthenticationFilter.caller(rc);
        String content = validContent(body);
        // The conversation was resolved before the stream started (stream.StreamOwnershipFilter): a wrong id is a plain 404.
        return profiles.of(caller.userId())
                .onItem().transformToMulti(profile -> chat.send(caller.userId(), caller.plan(), profile, id, content, idempotencyKey))
                .map(e -> toSse(sse, e))
                .onFailure().recoverWithItem(t -> errorEvent(sse, t));
    }

    /**
     * Resumes a reply's event stream after Last-Event-ID (live while it is generated, or a replay of
     * the stored reply); {@code mid} is the user message or the reply. Never asks the AI again.
     */
    @GET
    @Path("{id}/messages/{mid}/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> resume(@PathParam("id") String id, @PathParam("mid") String mid,
            @HeaderParam("Last-Event-ID") String lastEventId, @Context Sse sse, RoutingContext rc) {
        Caller caller = AuthenticationFilter.caller(rc);
        long after = 0;
        if (lastEventId != null && !lastEventId.isBlank()) {
            try {
                after = Math.max(0, Long.parseLong(lastEventId.strip()));
            } catch (NumberFormatException e) {
                throw ServiceException.validation("Last-Event-ID must be the id of an event of this stream");
            }
        }
        long afterSeq = after;
        // The conversation was resolved before the stream started (stream.StreamOwnershipFilter): a wrong one is a plain 404;
        // an unknown message of one's own conversation ends the stream with a not_found error event.
        return chat.resume(caller.userId(), id, mid, afterSeq)
                .map(e -> toSse(sse, e))
                .onFailure().recoverWithItem(t -> errorEvent(sse, t));
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    OutboundSseEvent toSse(Sse sse, ChatEvent e) {
        OutboundSseEvent.Builder b = sse.newEventBuilder().id(Long.toString(e.getSeq()));
        String name = ChatEvents.name(e);
        return name == null ? b.name("unknown").data("{}").build() : b.name(name).data(json(ChatEvents.body(e))).build();
    }

    OutboundSseEvent errorEvent(Sse sse, Throwable t) {
        ServiceException se = t instanceof ServiceException s ? s : ServiceException.unavailable("the reply failed; please retry");
        return sse.newEventBuilder().name("error").id("error").data(json(Problems.body(se.code(), se.detail()))).build();
    }

    static String validContent(Json.MessageBody body) {
        if (body == null || body.content() == null || body.content().isBlank()) {
            throw ServiceException.validation("content is required");
        }
        String content = body.content().strip();
        if (content.codePointCount(0, content.length()) > MAX_CONTENT) {
            throw ServiceException.validation("content must be at most " + MAX_CONTENT + " characters");
        }
        return content;
    }

}
