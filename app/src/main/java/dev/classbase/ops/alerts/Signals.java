package dev.classbase.ops.alerts;

import dev.classbase.data.JdbcUrls;
import dev.classbase.data.replicas.ReplicaMonitor;
import dev.classbase.ops.kernel.BoundedRead;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Reads every rule's number: the database's in one read-only transaction bounded by
 * {@code check-timeout} and rolled back (the console's discipline), replication lag from the
 * replica monitor's last polls (no second connection to each replica), the error rate from the
 * instances' request metrics ({@link ErrorRate}). A signal that cannot be read is a reading without a value and a note.
 */
final class Signals {
    private final DataSource primary;
    private final AlertProperties properties;
    private final Supplier<List<ReplicaMonitor.Status>> replicas;
    private final ErrorRate errorRate;

    Signals(
            DataSource primary,
            AlertProperties properties,
            Supplier<List<ReplicaMonitor.Status>> replicas,
            ErrorRate errorRate) {
        this.primary = primary;
        this.properties = properties;
        this.replicas = replicas;
        this.errorRate = errorRate;
    }

    /** One reading per rule, in the rules' order. */
    List<Reading> read() {
        List<Reading> readings = new ArrayList<>();
        readings.addAll(database());
        readings.add(errorRate.read());
        readings.add(replicationLag());
        readings.sort(Comparator.comparing(Reading::rule));
        return readings;
    }

    private List<Reading> database() {
        try {
            return BoundedRead.run(primary, properties.checkTimeout(), c -> {
                List<Reading> readings = new ArrayList<>();
                readings.add(slowQuery(c));
                SignalQueries.Connections conn = SignalQueries.connections(c);
                readings.add(Reading.of(
                        Rule.CONNECTIONS,
                        DiskUsage.round(100.0 * conn.used() / conn.max()),
                        conn.used() + " of max_connections " + conn.max()));
                readings.add(cacheHit(SignalQueries.cacheHit(c)));
                readings.add(DiskUsage.of(SignalQueries.dataDirectory(c)));
                return readings;
            });
        } catch (SQLException e) {
            String note = "not available: the primary did not answer (" + JdbcUrls.mask(e.getMessage()) + ")";
            return List.of(
                    Reading.unavailable(Rule.SLOW_QUERY, note),
                    Reading.unavailable(Rule.CONNECTIONS, note),
                    Reading.unavailable(Rule.CACHE_HIT, note),
                    Reading.unavailable(Rule.DISK, note));
        }
    }

    private Reading slowQuery(Connection c) throws SQLException {
        SignalQueries.Longest longest = SignalQueries.longestRunning(c, properties.slowQueryIgnoreApplications());
        return Reading.of(
                Rule.SLOW_QUERY,
                DiskUsage.round(longest.seconds()),
                longest.pid() == null
                        ? "no statement running"
                        : "pid " + longest.pid() + " (" + longest.application() + "): " + longest.query());
    }

    private static Reading cacheHit(SignalQueries.CacheHit hit) {
        if (hit.tables() == null && hit.indexes() == null) {
            return Reading.unavailable(Rule.CACHE_HIT, "no reads yet since the statistics were reset");
        }
        double tables = hit.tables() == null ? 100 : hit.tables();
        double indexes = hit.indexes() == null ? 100 : hit.indexes();
        return Reading.of(
                Rule.CACHE_HIT,
                DiskUsage.round(Math.min(tables, indexes)),
                "tables " + DiskUsage.round(tables) + " %, indexes " + DiskUsage.round(indexes) + " %");
    }

    private Reading replicationLag() {
        List<ReplicaMonitor.Status> statuses = replicas.get();
        if (statuses.isEmpty()) {
            return Reading.unavailable(Rule.REPLICATION_LAG, "no replicas configured");
        }
        ReplicaMonitor.Status worst = null;
        for (ReplicaMonitor.Status s : statuses) {
            // -1: not polled yet, or unreachable (the health endpoint and the console say which)
            if (s.lagSeconds() >= 0 && (worst == null || s.lagSeconds() > worst.lagSeconds())) {
                worst = s;
            }
        }
        if (worst == null) {
            return Reading.unavailable(
                    Rule.REPLICATION_LAG,
                    "no replica measured: " + statuses.getFirst().name() + " "
                            + statuses.getFirst().reason());
        }
        return Reading.of(
                Rule.REPLICATION_LAG,
                DiskUsage.round(worst.lagSeconds()),
                worst.name() + " (" + worst.lagBytes() + " bytes behind)");
    }
}
