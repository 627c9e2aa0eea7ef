package app.oviya.gateway.api;

import app.oviya.chat.v1.ChatEvent;
import app.oviya.common.error.ErrorCode;

/**
 * The public form of chat-service's reply events (API.md): one name and one JSON body per event,
 * shared by the SSE streams (api/ConversationResource) and the realtime WebSocket (realtime/).
 */
public final class ChatEvents {

    public static final String MESSAGE_CREATED = "message.created";
    public static final String REPLY_DELTA = "reply.delta";
    public static final String REPLY_COMPLETED = "reply.completed";
    public static final String ERROR = "error";

    private ChatEvents() {
    }

    /** The event's name ({@code message.created}, {@code reply.delta}, {@code reply.completed}, {@code error}), or null if unknown. */
    public static String name(ChatEvent e) {
        return switch (e.getEventCase()) {
            case MESSAGE_CREATED -> MESSAGE_CREATED;
            case REPLY_DELTA -> REPLY_DELTA;
            case REPLY_COMPLETED -> REPLY_COMPLETED;
            case ERROR -> ERROR;
            default -> null;
        };
    }

    /**
     * The event's body: {@code {message}} for message.created and reply.completed, {@code {messageId, text}}
     * for reply.delta, a problem object for error; null for an event this gateway does not know.
     */
    public static Object body(ChatEvent e) {
        return switch (e.getEventCase()) {
            case MESSAGE_CREATED -> new Json.MessageEventJson(Json.message(e.getMessageCreated()));
            case REPLY_DELTA -> new Json.DeltaJson(e.getReplyDelta().getMessageId(), e.getReplyDelta().getText());
            case REPLY_COMPLETED -> new Json.MessageEventJson(Json.message(e.getReplyCompleted()));
            case ERROR -> {
                ErrorCode code = ErrorCode.fromCode(e.getError().getCode());
                yield Problems.body(code == null ? ErrorCode.UNAVAILABLE : code, e.getError().getDetail());
            }
            default -> null;
        };
    }
}
