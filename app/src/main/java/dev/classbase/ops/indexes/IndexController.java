package dev.classbase.ops.indexes;

import dev.classbase.data.pool.Pools;
import java.sql.SQLException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The index audit for the console; admin-only by the authentication filter's {@code /api/v1/admin/**}
 * rule. Asks the primary's own pool (not the replica router): index scans are counted per server.
 */
@RestController
class IndexController {
    private final IndexAudit audit;

    IndexController(Pools pools) {
        this.audit = new IndexAudit(pools.primary(), IndexAudit.Thresholds.defaults());
    }

    @GetMapping("/api/v1/admin/database/indexes")
    IndexAudit.Report indexes() throws SQLException {
        return audit.audit();
    }
}
