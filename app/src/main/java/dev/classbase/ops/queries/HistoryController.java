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
 * charts, or one statement's series; {@code GET .../queries/endpoints?hours=24} (or {@code
 * from}, {@code to}: snapshot ids): calls and time per route comment of the data tier, every
 * server's. Read from classbase's own history tables (V61), read-only and
 * bounded like every console diagnostic.
 */
@RestController
class HistoryController {
    private static final int MAX_HOURS = Windows.MAX_HOURS;
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
            boolean available,
            String note,
            Integer hours,
            String source,
            HistoryQueries.Window window,
            List<HistoryQueries.Endpoint> endpoints) {}

    /**
     * Why per-endpoint totals are what they are: pg_stat_statements computes queryid without
     * comments and keeps the text of an entry's first execution (PostgreSQL manual, pg_stat_statements).
     */
    static final String ATTRIBUTION = "every statement carries its route's comment; pg_stat_statements ignores"
            + " comments in its queryid and keeps the text of an entry's first call, so a statement that several"
            + " routes run is credited to the first; the tenant binding (data:tenant-binding), the commit's"
            + " WAL-position probe (data:wal-position) and what runs before routing (request:before-routing) are"
            + " every route's and credited to none; top-level statements only";

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
    Endpoints endpoints(
            @RequestParam(required = false) Integer hours,
            @RequestParam(required = false) Long from,
            @RequestParam(required = false) Long to,
            @RequestParam(defaultValue = "50") int limit)
            throws SQLException {
        Windows.Asked asked =
                Windows.of(from == null && to == null && hours == null ? Integer.valueOf(24) : hours, from, to);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.badRequest("limit", "must be between 1 and " + MAX_LIMIT);
        }
        ConsoleDatabase.Feature feature = db.statements();
        if (!feature.available()) {
            return new Endpoints(false, feature.note(), asked.hours(), null, null, List.of());
        }
        return db.readOnly(props.checkTimeout(), c -> {
            HistoryQueries.Window window = Windows.resolve(c, asked);
            if (window != null) {
                return new Endpoints(
                        true,
                        ATTRIBUTION,
                        asked.hours(),
                        "history, every server",
                        window,
                        HistoryQueries.endpoints(c, window, limit));
            }
            // a fresh install has no two snapshots yet: the primary's live counters are better than nothing
            return new Endpoints(
                    true,
                    Windows.TOO_YOUNG + "; the primary's counters since pg_stat_statements' last reset; " + ATTRIBUTION,
                    asked.hours(),
                    "pg_stat_statements",
                    null,
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
