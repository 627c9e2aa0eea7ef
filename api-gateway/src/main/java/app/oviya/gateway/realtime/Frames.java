package app.oviya.gateway.realtime;

import app.oviya.chat.v1.ChatEvent;
import app.oviya.common.error.ErrorCode;
import app.oviya.gateway.api.ChatEvents;
import app.oviya.gateway.api.Problems;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

/**
 * The server's text frames (api-gateway/README.md, "Realtime"): one JSON object each, with a
 * {@code type}. Chat events carry the same body as the SSE event of the same name
 * ({@link ChatEvents}), flattened next to {@code type} and {@code conversationId}.
 */
final class Frames {

    static final String TYPING = "typing";
    static final String SESSION_EXPIRING = "session.expiring";

    private final ObjectMapper mapper;

    Frames(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** A chat event as a frame, or null for an event this gateway does not know. */
    String chatEvent(String conversationId, ChatEvent e) {
        String name = ChatEvents.name(e);
        if (name == null) {
            return null;
        }
        ObjectNode frame = mapper.createObjectNode().put("type", name).put("conversationId", conversationId).put("seq", e.getSeq());
        putAllButType(frame, mapper.valueToTree(ChatEvents.body(e)));
        return write(frame);
    }

    String typing(String conversationId, String from, String state) {
        return write(mapper.createObjectNode().put("type", TYPING).put("conversationId", conversationId).put("from", from).put("state", state));
    }

    /** An answer to a client frame: a problem object with {@code type: error}. */
    String error(ErrorCode code, String detail) {
        ObjectNode frame = mapper.createObjectNode().put("type", ChatEvents.ERROR);
        putAllButType(frame, mapper.valueToTree(Problems.body(code, detail)));
        return write(frame);
    }

    String sessionExpiring(long expiresAtEpochSecond) {
        return write(mapper.createObjectNode().put("type", SESSION_EXPIRING)
                .put("expiresAt", Instant.ofEpochSecond(expiresAtEpochSecond).toString()));
    }

    /** A problem object's own {@code type} (its URI) would clash with the frame's. */
    private static void putAllButType(ObjectNode frame, JsonNode body) {
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!"type".equals(field.getKey())) {
                frame.set(field.getKey(), field.getValue());
            }
        }
    }

    private String write(JsonNode frame) {
        try {
            return mapper.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
