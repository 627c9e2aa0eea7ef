package app.oviya.gateway.realtime;

import app.oviya.common.error.ErrorCode;
import app.oviya.common.error.ServiceException;
import app.oviya.gateway.client.ChatClient;
import app.oviya.gateway.config.RealtimeConfig;
import app.oviya.gateway.security.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.jboss.logging.Logger;

/**
 * GET /v1/realtime: live events for all of a user's devices (api-gateway/README.md, "Realtime").
 * The upgrade was authenticated by {@link RealtimeUpgradeCheck}; fan-out and Redis are
 * {@link RealtimeHub}'s. Clients send only typing frames; each is checked against the caller's
 * conversations before it is relayed.
 */
@WebSocket(path = "/v1/realtime", endpointId = RealtimeSocket.ENDPOINT_ID)
public class RealtimeSocket {

    static final String ENDPOINT_ID = "oviya-realtime";
    private static final Logger LOG = Logger.getLogger(RealtimeSocket.class);
    static final int MAX_CONVERSATION_ID = 128;

    record TypingFrame(String conversationId, String state) {
    }

    private final RealtimeHub hub;
    private final ChatClient chat;
    private final ObjectMapper mapper;
    private final int maxFrameBytes;
    private final int maxPendingFrames;
    private final Counter slowClients;

    public RealtimeSocket(RealtimeHub hub, ChatClient chat, ObjectMapper mapper, RealtimeConfig config, MeterRegistry registry) {
        this.hub = hub;
        this.chat = chat;
        this.mapper = mapper;
        this.maxFrameBytes = config.maxFrameBytes();
        this.maxPendingFrames = config.maxPendingFrames();
        this.slowClients = Counter.builder("oviya.realtime.slow.closes")
                .description("Realtime sockets closed (4003) because their client stopped reading").register(registry);
    }

    @OnOpen
    public Uni<Void> open(WebSocketConnection connection) {
        Runnable release = connection.userData().get(RealtimeUpgradeCheck.RELEASE_REQUEST);
        if (release != null) {
            release.run();
        }
        Caller caller = connection.userData().get(RealtimeUpgradeCheck.CALLER);
        if (caller == null) {
            // Cannot happen: the upgrade check refuses a request without a caller.
            return connection.close(new CloseReason(1008, "not authenticated"));
        }
        hub.open(new ConnectionPeer(connection, maxPendingFrames, slowClients), caller);
        return Uni.createFrom().voidItem();
    }

    @OnTextMessage
    public Uni<Void> text(WebSocketConnection connection, String text) {
        Session session = hub.session(connection.id());
        if (session == null) {
            return Uni.createFrom().voidItem();
        }
        session.seen();
        if (text.length() > maxFrameBytes || text.getBytes(StandardCharsets.UTF_8).length > maxFrameBytes) {
            session.close(CloseCodes.TOO_BIG, "frame larger than " + maxFrameBytes + " bytes");
            return Uni.createFrom().voidItem();
        }
        if (!session.allowFrame()) {
            session.send(hub.frames().error(ErrorCode.RATE_LIMITED, "too many frames; at most "
                    + (int) Session.FRAMES_PER_SECOND + " a second"));
            return Uni.createFrom().voidItem();
        }
        TypingFrame typing;
        try {
            typing = parse(mapper, text);
        } catch (ServiceException e) {
            session.send(hub.frames().error(e.code(), e.detail()));
            return Uni.createFrom().voidItem();
        }
        return ownedBy(session, typing.conversationId())
                .chain(() -> hub.relayTyping(session, typing.conversationId(), typing.state()))
                .onFailure().recoverWithItem(t -> {
                    ServiceException e = t instanceof ServiceException se ? se
                            : ServiceException.unavailable("cannot check the conversation right now; please retry");
                    session.send(hub.frames().error(e.code(), e.detail()));
                    return null;
                });
    }

    @OnPongMessage
    public Uni<Void> pong(WebSocketConnection connection, Buffer data) {
        Session session = hub.session(connection.id());
        if (session != null) {
            session.seen();
        }
        return Uni.createFrom().voidItem();
    }

    @OnClose
    public Uni<Void> close(WebSocketConnection connection) {
        hub.closed(connection.id());
        return Uni.createFrom().voidItem();
    }

    @OnError
    public Uni<Void> error(WebSocketConnection connection, Throwable failure) {
        // Vert.x refuses a message over quarkus.websockets-next.server.max-message-size with this exception.
        String message = String.valueOf(failure.getMessage());
        if (failure instanceof IllegalStateException && message.contains("max message size")) {
            return connection.close(new CloseReason(CloseCodes.TOO_BIG, "frame too large"));
        }
        LOG.warnf(failure, "realtime: closing socket %s after an error", connection.id());
        return connection.close(new CloseReason(CloseCodes.SERVER_ERROR, "server error; please reconnect"));
    }

    /** The conversation is the caller's (remembered per socket, so a typing burst asks chat-service once). */
    private Uni<Void> ownedBy(Session session, String conversationId) {
        if (session.owns(conversationId)) {
            return Uni.createFrom().voidItem();
        }
        return chat.get(session.userId(), conversationId).invoke(c -> session.owned(conversationId)).replaceWithVoid();
    }

    /** {"type":"typing","conversationId":"...","state":"start"|"stop"}; anything else is validation_failed. */
    static TypingFrame parse(ObjectMapper mapper, String text) {
        JsonNode frame;
        try {
            frame = mapper.readTree(text);
        } catch (Exception e) {
            throw ServiceException.validation("a frame must be a JSON object");
        }
        if (frame == null || !frame.isObject()) {
            throw ServiceException.validation("a frame must be a JSON object");
        }
        JsonNode type = frame.get("type");
        if (type == null || !type.isTextual()) {
            throw ServiceException.validation("type is required");
        }
        if (!Frames.TYPING.equals(type.asText())) {
            throw ServiceException.validation("unknown frame type; clients send only typing frames");
        }
        JsonNode conversationId = frame.get("conversationId");
        if (conversationId == null || !conversationId.isTextual() || conversationId.asText().isBlank()
                || conversationId.asText().length() > MAX_CONVERSATION_ID) {
            throw ServiceException.validation("conversationId is required");
        }
        JsonNode state = frame.get("state");
        if (state == null || !("start".equals(state.asText()) || "stop".equals(state.asText())) || !state.isTextual()) {
            throw ServiceException.validation("state must be start or stop");
        }
        return new TypingFrame(conversationId.asText(), state.asText());
    }

    /** The hub's view of a websockets-next connection; what it owes a slow reader is bounded. */
    private static final class ConnectionPeer implements Peer {

        private final WebSocketConnection connection;
        private final BoundedSender sender;

        ConnectionPeer(WebSocketConnection connection, int maxPendingFrames, Counter slowClients) {
            this.connection = connection;
            this.sender = new BoundedSender(maxPendingFrames, frame -> connection.sendText(frame).onFailure()
                    .invoke(t -> LOG.debugf("realtime: frame not sent to %s: %s", connection.id(), t.toString())), () -> {
                slowClients.increment();
                LOG.infof("realtime: closing %s, its client is %d frames behind", connection.id(), maxPendingFrames);
                close(CloseCodes.TOO_SLOW, "too far behind; reconnect and reload");
            });
        }

        @Override
        public String id() {
            return connection.id();
        }

        @Override
        public void send(String frame) {
            sender.send(frame);
        }

        @Override
        public void close(int code, String reason) {
            connection.close(new CloseReason(code, reason)).subscribe().with(ok -> {
            }, t -> LOG.debugf("realtime: close of %s failed: %s", connection.id(), t.toString()));
        }
    }
}
