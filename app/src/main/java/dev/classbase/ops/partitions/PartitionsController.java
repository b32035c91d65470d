package dev.classbase.ops.partitions;

import dev.classbase.data.pool.Pools;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code ./classbase partitions status} for the console; admin-only by the authentication filter's
 * {@code /api/v1/admin/**} rule. Read-only and bounded (the manager's status runs in a read-only
 * transaction with a statement timeout); as the service role, rows in a default partition are
 * counted through V65's function, since row-level security hides them.
 */
@RestController
class PartitionsController {
    /** Counting a default partition is the slow part; a console request should not wait longer. */
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final PartitionManager manager;

    PartitionsController(Pools pools, PartitionProperties properties) {
        this.manager = new PartitionManager(pools.primary(), properties, Clock.systemUTC());
    }

    record Partition(
            String name, String bound, OffsetDateTime from, OffsetDateTime to, long bytes, Long estimatedRows) {}

    record Table(
            String table,
            String strategy,
            int partitionCount,
            long bytes,
            long estimatedRows,
            String defaultPartition,
            Long defaultRows,
            List<Partition> partitions) {}

    record Report(List<Table> tables) {}

    @GetMapping("/api/v1/admin/database/partitions")
    Report partitions() throws SQLException {
        return new Report(manager.status(TIMEOUT).stream()
                .map(t -> new Table(
                        t.table(),
                        t.strategy(),
                        t.partitions().size(),
                        t.bytes(),
                        t.estimatedRows(),
                        t.defaultPartition(),
                        t.defaultRows(),
                        t.partitions().stream()
                                .map(p -> new Partition(
                                        p.name(), p.bound(), p.from(), p.to(), p.bytes(), p.estimatedRows()))
                                .toList()))
                .toList());
    }
}
