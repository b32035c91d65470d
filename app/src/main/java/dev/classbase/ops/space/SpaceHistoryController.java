package dev.classbase.ops.space;

import dev.classbase.ops.kernel.ConsoleDatabase;
import dev.classbase.ops.kernel.ConsoleProperties;
import dev.classbase.web.ApiException;
import java.sql.SQLException;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/admin/database/space/history?days=30&limit=50}: per day totals and per
 * relation growth from the daily snapshots (V61), fastest growing first.
 */
@RestController
class SpaceHistoryController {
    private static final int MAX_DAYS = 90;
    private static final int MAX_LIMIT = 500;

    private final ConsoleDatabase db;
    private final ConsoleProperties props;

    SpaceHistoryController(ConsoleDatabase db, ConsoleProperties props) {
        this.db = db;
        this.props = props;
    }

    record SpaceHistory(int days, List<SpaceGrowth.DayTotal> totals, List<SpaceGrowth.Relation> relations) {}

    @GetMapping("/api/v1/admin/database/space/history")
    SpaceHistory history(@RequestParam(defaultValue = "30") int days, @RequestParam(defaultValue = "50") int limit)
            throws SQLException {
        if (days < 1 || days > MAX_DAYS) {
            throw ApiException.badRequest("days", "must be between 1 and " + MAX_DAYS + " (the days kept)");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.badRequest("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return db.readOnly(
                props.checkTimeout(),
                c -> new SpaceHistory(
                        days, SpaceHistoryQueries.totals(c, days), SpaceHistoryQueries.growth(c, days, limit)));
    }
}
