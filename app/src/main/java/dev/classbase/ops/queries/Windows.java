package dev.classbase.ops.queries;

import dev.classbase.web.ApiException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The window a console read asks for: the last {@code hours}, or between two snapshots of the
 * history ({@code from}, {@code to}: ids). Checked here once for every endpoint that takes one.
 */
final class Windows {
    static final int MAX_HOURS = 14 * 24;
    static final String TOO_YOUNG =
            "fewer than two history snapshots yet: a window needs two readings (the first is a baseline)";

    private Windows() {}

    /** A window asked for: {@code hours}, or both snapshot ids. */
    record Asked(Integer hours, Long from, Long to) {}

    /** The window asked for, null for none; 400 for a half or contradictory one. */
    static Asked of(Integer hours, Long from, Long to) {
        if (hours == null && from == null && to == null) {
            return null;
        }
        if (hours != null) {
            if (from != null || to != null) {
                throw ApiException.badRequest("hours", "give hours or from and to, not both");
            }
            if (hours < 1 || hours > MAX_HOURS) {
                throw ApiException.badRequest("hours", "must be between 1 and " + MAX_HOURS + " (the 14 days kept)");
            }
            return new Asked(hours, null, null);
        }
        if (from == null || to == null) {
            throw ApiException.badRequest(
                    from == null ? "from" : "to", "a window needs both from and to (snapshot ids)");
        }
        if (from >= to) {
            throw ApiException.badRequest("to", "must be a later snapshot than from");
        }
        return new Asked(null, from, to);
    }

    /** The snapshots bounding it: null when the history is too young for {@code hours}; 404 for unknown ids. */
    static HistoryQueries.Window resolve(Connection c, Asked asked) throws SQLException {
        if (asked.hours() != null) {
            return HistoryQueries.lastHours(c, asked.hours()).orElse(null);
        }
        return HistoryQueries.window(c, asked.from(), asked.to())
                .orElseThrow(() ->
                        ApiException.notFound("snapshots " + asked.from() + " and " + asked.to() + " in the history"));
    }
}
