package dev.classbase.ops.queries;

import dev.classbase.ops.kernel.ConsoleDatabase;
import dev.classbase.ops.kernel.ConsoleProperties;
import dev.classbase.web.ApiException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/admin/database/queries?order=total|mean|calls&limit=20} and {@code
 * .../queries/slow?minMeanMs=20}: the statements of every server (primary and replicas, each row
 * labelled), top-level ones unless {@code nested=true}, with each server's commits, rollbacks and
 * WAL beside them. Without a window: pg_stat_statements' counters since each server's last reset.
 * With {@code hours=N}, or {@code from} and {@code to} (snapshot ids): what ran in that window, from
 * the history's deltas. Without pg_stat_statements: {@code available: false} and why.
 */
@RestController
class QueriesController {
    static final List<String> ORDERS = List.of("total", "mean", "calls");
    private static final int MAX_LIMIT = 500;

    private final ConsoleDatabase db;
    private final ConsoleProperties props;
    private final EveryServer servers;

    QueriesController(ConsoleDatabase db, ConsoleProperties props, EveryServer servers) {
        this.db = db;
        this.props = props;
        this.servers = servers;
    }

    record Statements(
            boolean available,
            String note,
            String order,
            boolean nested,
            HistoryQueries.Window window,
            List<SlowQuery> statements,
            List<ServerTotals> servers) {}

    @GetMapping("/api/v1/admin/database/queries")
    Statements top(
            @RequestParam(defaultValue = "total") String order,
            @RequestParam(defaultValue = "20") int limit,
            @RequestParam(defaultValue = "false") boolean nested,
            @RequestParam(required = false) Integer hours,
            @RequestParam(required = false) Long from,
            @RequestParam(required = false) Long to)
            throws SQLException {
        if (!ORDERS.contains(order)) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST,
                    "Invalid request",
                    "order: unknown '" + order + "'; valid: " + String.join(", ", ORDERS),
                    Map.of("field", "order", "valid", ORDERS));
        }
        return statements(order, 0, nested, limit(limit), Windows.of(hours, from, to));
    }

    @GetMapping("/api/v1/admin/database/queries/slow")
    Statements slow(
            @RequestParam(required = false) Double minMeanMs,
            @RequestParam(defaultValue = "20") int limit,
            @RequestParam(defaultValue = "false") boolean nested,
            @RequestParam(required = false) Integer hours,
            @RequestParam(required = false) Long from,
            @RequestParam(required = false) Long to)
            throws SQLException {
        double min = minMeanMs == null ? props.slowMeanMs() : minMeanMs;
        if (min < 0 || Double.isNaN(min)) {
            throw ApiException.badRequest("minMeanMs", "must be a number of milliseconds >= 0");
        }
        return statements("mean", min, nested, limit(limit), Windows.of(hours, from, to));
    }

    private Statements statements(String order, double minMeanMs, boolean nested, int n, Windows.Asked asked)
            throws SQLException {
        ConsoleDatabase.Feature feature = db.statements();
        if (!feature.available()) {
            return new Statements(false, feature.note(), order, nested, null, List.of(), List.of());
        }
        if (asked != null) {
            return db.readOnly(props.checkTimeout(), c -> {
                HistoryQueries.Window window = Windows.resolve(c, asked);
                if (window == null) {
                    return new Statements(true, Windows.TOO_YOUNG, order, nested, null, List.of(), List.of());
                }
                return new Statements(
                        true,
                        db.allStats().note(),
                        order,
                        nested,
                        window,
                        HistoryQueries.top(c, window, order, minMeanMs, nested, n),
                        ServerQueries.window(c, window));
            });
        }
        List<EveryServer.Answer<Live>> answers = servers.read(c -> new Live(
                ServerQueries.read(c),
                HistoryQueries.statsReset(c),
                switch (order) {
                    case "mean" -> StatementQueries.slowerThan(c, "", minMeanMs, nested, n);
                    case "calls" -> StatementQueries.byCalls(c, "", nested, n);
                    default -> StatementQueries.byTotalTime(c, "", nested, n);
                }));
        List<ServerTotals> totals = new ArrayList<>();
        List<SlowQuery> rows = new ArrayList<>();
        for (EveryServer.Answer<Live> answer : answers) {
            if (!answer.answered()) {
                totals.add(ServerTotals.missing(answer.server(), answer.note()));
                continue;
            }
            Live live = answer.value();
            totals.add(ServerQueries.live(answer.server(), live.counters(), live.statementsReset()));
            for (SlowQuery q : live.statements()) {
                rows.add(labelled(q, answer.server()));
            }
        }
        rows.sort(ordering(order));
        return new Statements(
                true,
                db.allStats().note(),
                order,
                nested,
                null,
                List.copyOf(rows.subList(0, Math.min(n, rows.size()))),
                totals);
    }

    /** One server's live answer: its counters, when pg_stat_statements last restarted, its top rows. */
    private record Live(
            ServerQueries.Counters counters, java.time.OffsetDateTime statementsReset, List<SlowQuery> statements) {}

    private static SlowQuery labelled(SlowQuery q, String server) {
        return new SlowQuery(
                server,
                q.queryid(),
                q.toplevel(),
                q.calls(),
                q.rows(),
                q.totalMs(),
                q.meanMs(),
                q.sharedBlksHit(),
                q.sharedBlksRead(),
                q.query());
    }

    private static Comparator<SlowQuery> ordering(String order) {
        Comparator<SlowQuery> by = switch (order) {
            case "mean" -> Comparator.comparing(SlowQuery::meanMs, Comparator.nullsFirst(Double::compare));
            case "calls" -> Comparator.comparing(SlowQuery::calls, Comparator.nullsFirst(Long::compare));
            default -> Comparator.comparing(SlowQuery::totalMs, Comparator.nullsFirst(Double::compare));
        };
        return by.reversed();
    }

    private static int limit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.badRequest("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return limit;
    }
}
