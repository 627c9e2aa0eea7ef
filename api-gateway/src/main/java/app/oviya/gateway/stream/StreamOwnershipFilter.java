package app.oviya.gateway.stream;

import app.oviya.common.error.ServiceException;
import app.oviya.gateway.api.Problems;
import app.oviya.gateway.client.ChatClient;
import app.oviya.gateway.security.AuthenticationFilter;
import app.oviya.gateway.security.Caller;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * An event stream's status line and headers go out before its first event, so a stream that fails
 * at once would reach the client as a broken 200. For the two streaming endpoints (send as SSE,
 * resume) the conversation is therefore resolved before the stream starts: another user's (or a
 * missing) conversation is a plain 404 problem, like on every other endpoint. Runs after
 * authentication (2000) and before rate limiting (3000), so a 404 costs no quota. Confirmed
 * conversations are remembered for a while ({@link OwnedConversations}): the check then costs
 * nothing on the next message.
 */
public class StreamOwnershipFilter {

    private static final Pattern SEND = Pattern.compile("^/v1/conversations/([^/]+)/messages/?$");
    private static final Pattern RESUME = Pattern.compile("^/v1/conversations/([^/]+)/messages/[^/]+/stream/?$");

    private final ChatClient chat;
    private final OwnedConversations owned;

    public StreamOwnershipFilter(ChatClient chat, OwnedConversations owned) {
        this.chat = chat;
        this.owned = owned;
    }

    @ServerRequestFilter(priority = 2500)
    public Uni<Response> conversationExists(ContainerRequestContext request, RoutingContext rc) {
        String conversationId = streamedConversation(request);
        if (conversationId == null) {
            return Uni.createFrom().nullItem();
        }
        Caller caller = AuthenticationFilter.caller(rc);
        if (owned.known(caller.userId(), conversationId)) {
            return Uni.createFrom().nullItem();
        }
        return chat.get(caller.userId(), conversationId)
                .map(c -> {
                    owned.remember(caller.userId(), conversationId);
                    return (Response) null;
                })
                .onFailure().recoverWithItem(t -> Problems.response(
                        t instanceof ServiceException se ? se : ServiceException.unavailable("chat is unavailable; please retry")));
    }

    static String streamedConversation(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if ("GET".equals(request.getMethod())) {
            Matcher m = RESUME.matcher(path);
            return m.matches() ? m.group(1) : null;
        }
        if ("POST".equals(request.getMethod())) {
            String accept = request.getHeaderString(HttpHeaders.ACCEPT);
            Matcher m = SEND.matcher(path);
            return m.matches() && accept != null && accept.contains("text/event-stream") ? m.group(1) : null;
        }
        return null;
    }
}
