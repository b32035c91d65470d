package dev.classbase.platform.dashboard;

import dev.classbase.web.ApiException;

/** A path's user id: a positive number, else a 400 naming {@code id}. */
final class UserId {
    private UserId() {}

    static long parse(String value) {
        try {
            long id = Long.parseLong(value);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // falls through to the 400
        }
        throw ApiException.badRequest("id", "must be a positive user id, not '" + value + "'");
    }
}
