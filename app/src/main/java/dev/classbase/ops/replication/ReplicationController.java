package dev.classbase.ops.replication;

import dev.classbase.data.replicas.ReplicaMonitor;
import dev.classbase.ops.kernel.ConsoleDatabase;
import dev.classbase.ops.kernel.ConsoleProperties;
import dev.classbase.ops.kernel.JdbcTimestamp;
import dev.classbase.ops.kernel.Primary;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * {@code GET /api/v1/admin/database/replication}: per standby the lag in bytes and seconds, the
 * slots and the WAL retained. The seconds are the replica monitor's (data/ReplicaMonitor, timed from
 * its own record of the primary's WAL, see WalTimeline) for the replicas the app routes to, matched
 * by name ({@code application_name} of the standby is its slot name); PostgreSQL's {@code
 * replay_lag} is beside it for every standby. The monitor's replicas are listed too, so a replica
 * that lost its connection to the primary still shows.
 */
@RestController
class ReplicationController {
    private final ConsoleDatabase db;
    private final ConsoleProperties props;
    private final ReplicaMonitor monitor;

    ReplicationController(ConsoleDatabase db, ConsoleProperties props, ReplicaMonitor monitor) {
        this.db = db;
        this.props = props;
        this.monitor = monitor;
    }

    record Replication(
            String note,
            List<Standby> standbys,
            List<ReplicaMonitor.Status> monitored,
            List<ReplicationSlot> slots,
            Map<String, Object> wal) {}

    /**
     * A standby as pg_stat_replication shows it, and its lag: {@code lag_seconds} from the replica
     * monitor when it watches this standby, else PostgreSQL's {@code replay_lag}.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Standby(
            Integer pid,
            String name,
            String client,
            String state,
            String syncState,
            @JdbcTimestamp OffsetDateTime backendStart,
            String sentLsn,
            String writeLsn,
            String flushLsn,
            String replayLsn,
            Long sendLagBytes,
            Long flushLagBytes,
            Long replayLagBytes,
            Double writeLagSeconds,
            Double flushLagSeconds,
            Double replayLagSeconds,
            @JdbcTimestamp OffsetDateTime replyTime,
            Long lagBytes,
            Double lagSeconds,
            String lagSource,
            ReplicaMonitor.Status monitor) {
        Standby(ReplicationStatusQueries.Standby row, ReplicaMonitor.Status status) {
            this(
                    row.pid(),
                    row.name(),
                    row.client(),
                    row.state(),
                    row.syncState(),
                    row.backendStart(),
                    row.sentLsn(),
                    row.writeLsn(),
                    row.flushLsn(),
                    row.replayLsn(),
                    row.sendLagBytes(),
                    row.flushLagBytes(),
                    row.replayLagBytes(),
                    row.writeLagSeconds(),
                    row.flushLagSeconds(),
                    row.replayLagSeconds(),
                    row.replyTime(),
                    row.replayLagBytes(),
                    status != null && status.lagSeconds() >= 0
                            ? Double.valueOf(status.lagSeconds())
                            : row.replayLagSeconds(),
                    status != null && status.lagSeconds() >= 0 ? "replica monitor" : "pg_stat_replication",
                    status);
        }
    }

    @GetMapping("/api/v1/admin/database/replication")
    Replication replication() throws SQLException {
        List<ReplicaMonitor.Status> monitored = monitor.statuses();
        return db.readOnly(props.checkTimeout(), c -> {
            if (Primary.inRecovery(c)) {
                return new Replication(
                        "the console's server is in recovery (a replica): ask the primary",
                        List.of(),
                        monitored,
                        List.of(),
                        Map.of());
            }
            List<Standby> standbys = new ArrayList<>();
            for (ReplicationStatusQueries.Standby row : ReplicationStatusQueries.standbys(c)) {
                standbys.add(new Standby(row, matching(monitored, row.name())));
            }
            String note = standbys.isEmpty() ? "no standby is connected to this primary" : null;
            return new Replication(
                    note, standbys, monitored, ReplicationStatusQueries.slots(c), ReplicationStatusQueries.wal(c));
        });
    }

    /** The monitored replica of that standby name, if the app routes to it under the same name. */
    private static ReplicaMonitor.Status matching(List<ReplicaMonitor.Status> monitored, String name) {
        if (name == null) {
            return null;
        }
        for (ReplicaMonitor.Status s : monitored) {
            if (name.equals(s.name()) || name.equals(s.name().replace('-', '_'))) {
                return s;
            }
        }
        return null;
    }
}
