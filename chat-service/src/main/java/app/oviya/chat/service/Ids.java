package app.oviya.chat.service;

import app.oviya.common.error.ServiceException;
import java.util.UUID;

final class Ids {

    private Ids() {
    }

    static UUID user(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ServiceException.validation("userId must be a UUID");
        }
    }

    /** A malformed id names nothing that exists: 404, like another user's resource. */
    static UUID resource(String id, String what) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ServiceException.notFound(what + " not found");
        }
    }
}
