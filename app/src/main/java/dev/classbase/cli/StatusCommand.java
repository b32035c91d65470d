package dev.classbase.cli;

import dev.classbase.cluster.ClusterConfig;
import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.data.JdbcUrls;
import dev.classbase.data.replicas.ReplicationQueries;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import picocli.CommandLine.Command;

@Command(
        name = "status",
        description = {
            "Show the database: servers and ports, data directory, replication state and lag, row counts.",
            "Exit code 3 when the embedded cluster is not running."
        })
final class StatusCommand implements Callable<Integer> {
    static final List<String> MAIN_TABLES = List.of(
            "tenants",
            "users",
            "courses",
            "sections",
            "enrollments",
            "assignments",
            "submissions",
            "analytics_events",
            "activity_logs");

    @picocli.CommandLine.Mixin
    DataDir dataDir;

    @Override
    public Integer call() throws SQLException {
        DatabaseTarget target;
        if (DatabaseTarget.external()) {
            target = DatabaseTarget.open(null, 0);
            System.out.println("database: external (CLASSBASE_DATABASE_URL)");
        } else {
            Path dir = DatabaseTarget.dataDir(dataDir.path()).toAbsolutePath().normalize();
            Optional<EmbeddedCluster> cluster =
                    EmbeddedCluster.attachIfRunning(ClusterConfig.of(dir, DbCommand.replicasIn(dir)));
            if (cluster.isEmpty()) {
                System.out.println("embedded cluster in " + dir
                        + ": not running (start it with ./classbase serve or ./classbase db start)");
                return 3;
            }
            target = DatabaseTarget.embedded(cluster.get());
            System.out.println("database: embedded cluster in " + dir);
        }
        try (target) {
            DataSource primary = target.primaryDataSource();
            ReplicationQueries.ServerInfo info = ReplicationQueries.server(primary);
            System.out.printf(
                    "  %-9s %-22s PostgreSQL %s, %s, WAL at %s%n",
                    "primary",
                    target.primary().hosts(),
                    info.version(),
                    info.inRecovery() ? "IN RECOVERY" : "accepting writes",
                    info.currentLsn());
            for (DatabaseTarget.Server replica : target.replicas()) {
                System.out.printf("  %-9s %-22s %s%n", replica.name(), replica.hosts(), replicaLine(replica, info));
            }
            printRowCounts(primary);
        }
        return 0;
    }

    private static String replicaLine(DatabaseTarget.Server replica, ReplicationQueries.ServerInfo primary) {
        try {
            ReplicationQueries.ReplicaInfo r =
                    ReplicationQueries.replica(DatabaseTarget.dataSource(replica), primary.currentLsn());
            if (!r.inRecovery()) {
                return "NOT A REPLICA (accepts writes)";
            }
            return String.format(
                    "%s, replayed to %s, lag %s bytes / %s s",
                    r.receiverStatus() == null ? "not streaming" : r.receiverStatus(),
                    r.replayLsn(),
                    r.lagBytes() == null ? "?" : r.lagBytes(),
                    r.lagSeconds() == null ? "?" : String.format("%.1f", r.lagSeconds()));
        } catch (SQLException e) {
            return "unreachable: " + JdbcUrls.mask(e.getMessage());
        }
    }

    private static void printRowCounts(DataSource ds) throws SQLException {
        StringBuilder line = new StringBuilder("  rows:");
        try (Connection c = ds.getConnection()) {
            for (String table : MAIN_TABLES) {
                try (PreparedStatement exists = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
                    exists.setString(1, table);
                    try (ResultSet rs = exists.executeQuery()) {
                        rs.next();
                        if (!rs.getBoolean(1)) {
                            continue;
                        }
                    }
                }
                // table names come from the fixed list above, never from input
                try (PreparedStatement count = c.prepareStatement("SELECT count(*) FROM " + table);
                        ResultSet rs = count.executeQuery()) {
                    rs.next();
                    line.append(String.format(" %s %,d", table, rs.getLong(1)));
                }
            }
        }
        System.out.println(line);
    }
}
