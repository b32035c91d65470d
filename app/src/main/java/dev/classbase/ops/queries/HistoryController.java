package dev.classbase.ops.queries;

import dev.classbase.ops.kernel.ConsoleDatabase;
import dev.classbase.ops.kernel.ConsoleProperties;
import dev.classbase.web.ApiException;
import java.sql.SQLException;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/admin/database/queries/history?hours=24[&queryid=]}: per snapshot totals for
 * charts, or one statement's series; {@code GET .../queries/endpoints?hours=24}: calls and time per
 * route comment of the data tier. Read from classbase's own history tables (V61), read-only and
 * bounded like every console diagnostic.
 */
@RestController
class HistoryController {
    private static final int MAX_HOURS = 14 * 24;
    private static final int MAX_LIMIT = 500;

    private final ConsoleDatabase db;
    private final ConsoleProperties props;
    private final HistoryProperties history;

    HistoryController(ConsoleDatabase db, ConsoleProperties props, HistoryProperties history) {
        this.db = db;
        this.props = props;
        this.history = history;
    }

    record History(
            boolean available,
            String note,
            int hours,
            String interval,
            String queryid,
            HistoryQueries.Statement statement,
            List<? extends Record> snapshots) {}

    record Endpoints(
            boolean available, String note, int hours, String source, List<HistoryQueries.Endpoint> endpoints) {}

    @GetMapping("/api/v1/admin/database/queries/history")
    History history(@RequestParam(defaultValue = "24") int hours, @RequestParam(required = false) String queryid)
            throws SQLException {
        int h = hours(hours);
        Long id = queryid(queryid);
        String note = db.statements().available() ? null : db.statements().note();
        return db.readOnly(props.checkTimeout(), c -> {
            if (id == null) {
                return new History(
                        note == null, note, h, history.interval().toString(), null, null, HistoryQueries.totals(c, h));
            }
            HistoryQueries.Statement statement = HistoryQueries.statement(c, id)
                    .orElseThrow(() -> ApiException.notFound("query " + id + " in the history"));
            return new History(
                    note == null,
                    note,
                    h,
                    history.interval().toString(),
                    id.toString(),
                    statement,
                    HistoryQueries.series(c, id, h));
        });
    }

    @GetMapping("/api/v1/admin/database/queries/endpoints")
    Endpoints endpoints(@RequestParam(defaultValue = "24") int hours, @RequestParam(defaultValue = "50") int limit)
            throws SQLException {
        int h = hours(hours);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.badRequest("limit", "must be between 1 and " + MAX_LIMIT);
        }
        ConsoleDatabase.Feature feature = db.statements();
        if (!feature.available()) {
            return new Endpoints(false, feature.note(), h, null, List.of());
        }
        return db.readOnly(props.checkTimeout(), c -> {
            if (HistoryQueries.snapshotsSince(c, h) > 0) {
                return new Endpoints(
                        true, null, h, "history of the last " + h + " h", HistoryQueries.endpoints(c, h, limit));
            }
            // a fresh install has no snapshot yet: the live counters are better than nothing
            return new Endpoints(
                    true,
                    "no history snapshot in the window yet; counters since pg_stat_statements' last reset",
                    h,
                    "pg_stat_statements",
                    HistoryQueries.endpointsLive(c, limit));
        });
    }

    private static int hours(int hours) {
        if (hours < 1 || hours > MAX_HOURS) {
            throw ApiException.badRequest("hours", "must be between 1 and " + MAX_HOURS + " (the 14 days kept)");
        }
        return hours;
    }

    private static Long queryid(String queryid) {
        if (queryid == null || queryid.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(queryid.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("queryid", "must be a pg_stat_statements queryid (a 64-bit integer)");
        }
    }
}
