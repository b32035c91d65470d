package dev.classbase.ops.queries;

import dev.classbase.ops.kernel.ConsoleDatabase;
import dev.classbase.ops.kernel.ConsoleProperties;
import dev.classbase.web.ApiException;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/admin/database/queries?order=total|mean|calls&limit=20} and {@code
 * .../queries/slow?minMeanMs=20}. Without pg_stat_statements: {@code available: false} and why.
 */
@RestController
class QueriesController {
    static final List<String> ORDERS = List.of("total", "mean", "calls");
    private static final int MAX_LIMIT = 500;

    private final ConsoleDatabase db;
    private final ConsoleProperties props;

    QueriesController(ConsoleDatabase db, ConsoleProperties props) {
        this.db = db;
        this.props = props;
    }

    record Statements(boolean available, String note, String order, List<SlowQuery> statements) {}

    @GetMapping("/api/v1/admin/database/queries")
    Statements top(@RequestParam(defaultValue = "total") String order, @RequestParam(defaultValue = "20") int limit)
            throws SQLException {
        if (!ORDERS.contains(order)) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST,
                    "Invalid request",
                    "order: unknown '" + order + "'; valid: " + String.join(", ", ORDERS),
                    Map.of("field", "order", "valid", ORDERS));
        }
        int n = limit(limit);
        ConsoleDatabase.Feature feature = db.statements();
        if (!feature.available()) {
            return new Statements(false, feature.note(), order, List.of());
        }
        List<SlowQuery> rows = db.readOnly(props.checkTimeout(), c -> switch (order) {
            case "mean" -> StatementQueries.byMeanTime(c, n);
            case "calls" -> StatementQueries.byCalls(c, n);
            default -> StatementQueries.byTotalTime(c, n);
        });
        return new Statements(true, db.allStats().note(), order, rows);
    }

    @GetMapping("/api/v1/admin/database/queries/slow")
    Statements slow(@RequestParam(required = false) Double minMeanMs, @RequestParam(defaultValue = "20") int limit)
            throws SQLException {
        double min = minMeanMs == null ? props.slowMeanMs() : minMeanMs;
        if (min < 0 || Double.isNaN(min)) {
            throw ApiException.badRequest("minMeanMs", "must be a number of milliseconds >= 0");
        }
        int n = limit(limit);
        ConsoleDatabase.Feature feature = db.statements();
        if (!feature.available()) {
            return new Statements(false, feature.note(), "mean", List.of());
        }
        List<SlowQuery> rows = db.readOnly(props.checkTimeout(), c -> StatementQueries.slowerThan(c, min, n));
        return new Statements(true, db.allStats().note(), "mean", rows);
    }

    private static int limit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.badRequest("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return limit;
    }
}
