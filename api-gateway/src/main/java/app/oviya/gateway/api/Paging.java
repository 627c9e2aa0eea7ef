package app.oviya.gateway.api;

import app.oviya.common.error.ServiceException;

final class Paging {

    static final int MAX = 100;

    private Paging() {
    }

    /** 0 means the default page size; anything outside 1..100 is a 400. */
    static int limit(String raw) {
        if (raw == null || raw.isBlank()) {
            return 0;
        }
        try {
            int n = Integer.parseInt(raw.strip());
            if (n < 1 || n > MAX) {
                throw ServiceException.validation("limit must be between 1 and " + MAX);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ServiceException.validation("limit must be a number between 1 and " + MAX);
        }
    }
}
