package app.oviya.chat.service;

import app.oviya.common.error.ServiceException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/** Opaque keyset cursors: clients pass them back unchanged. */
final class Cursors {

    private Cursors() {
    }

    record ConversationPosition(Instant activityAt, UUID id) {
    }

    static String conversation(Instant activityAt, UUID id) {
        return encode("c|" + activityAt + "|" + id);
    }

    static ConversationPosition conversation(String cursor) {
        String[] parts = decode(cursor, "c", 3);
        try {
            return new ConversationPosition(Instant.parse(parts[1]), UUID.fromString(parts[2]));
        } catch (RuntimeException e) {
            throw ServiceException.validation("cursor is not valid");
        }
    }

    static String message(long seq) {
        return encode("m|" + seq);
    }

    static long message(String cursor) {
        String[] parts = decode(cursor, "m", 2);
        try {
            return Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            throw ServiceException.validation("cursor is not valid");
        }
    }

    private static String encode(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static String[] decode(String cursor, String kind, int parts) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            String[] p = raw.split("\\|");
            if (p.length != parts || !p[0].equals(kind)) {
                throw ServiceException.validation("cursor is not valid");
            }
            return p;
        } catch (IllegalArgumentException e) {
            throw ServiceException.validation("cursor is not valid");
        }
    }
}
