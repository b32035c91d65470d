package dev.classbase.ops.alerts;

import dev.classbase.data.JdbcUrls;
import dev.classbase.data.replicas.ReplicaMonitor;
import dev.classbase.ops.kernel.BoundedRead;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
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
 * instances' request metrics ({@link ErrorRate}), the pools' waiting threads and timeouts from
 * Hikari's Micrometer meters. Counters (deadlocks, timeouts) are read as the change since this
 * instance's previous reading; the first reading is a baseline. A signal that cannot be read is a
 * reading without a value and a note.
 */
final class Signals {
    private final DataSource primary;
    private final AlertProperties properties;
    private final Supplier<List<ReplicaMonitor.Status>> replicas;
    private final ErrorRate errorRate;
    private final MeterRegistry registry;
    private Long lastDeadlocks;
    private Double lastTimeouts;

    Signals(
            DataSource primary,
            AlertProperties properties,
            Supplier<List<ReplicaMonitor.Status>> replicas,
            ErrorRate errorRate,
            MeterRegistry registry) {
        this.primary = primary;
        this.properties = properties;
        this.replicas = replicas;
        this.errorRate = errorRate;
        this.registry = registry;
    }

    /** One reading per rule, in the rules' order. */
    synchronized List<Reading> read() {
        List<Reading> readings = new ArrayList<>();
        readings.addAll(database());
        readings.add(errorRate.read());
        List<ReplicaMonitor.Status> statuses = replicas.get();
        readings.add(replicationLag(statuses));
        readings.add(replicaDown(statuses));
        readings.add(poolExhaustion());
        readings.add(connectionFailures());
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
                readings.add(deadlocks(SignalQueries.deadlocks(c)));
                readings.add(lockWaits(c));
                return readings;
            });
        } catch (SQLException e) {
            String note = "not available: the primary did not answer (" + JdbcUrls.mask(e.getMessage()) + ")";
            return List.of(
                    Reading.unavailable(Rule.SLOW_QUERY, note),
                    Reading.unavailable(Rule.CONNECTIONS, note),
                    Reading.unavailable(Rule.CACHE_HIT, note),
                    Reading.unavailable(Rule.DISK, note),
                    Reading.unavailable(Rule.DEADLOCKS, note),
                    Reading.unavailable(Rule.LOCK_WAITS, note));
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

    private Reading deadlocks(long total) {
        Long previous = lastDeadlocks;
        lastDeadlocks = total;
        if (previous == null || total < previous) {
            // first reading, or the statistics were reset (pg_stat_reset)
            return Reading.unavailable(Rule.DEADLOCKS, "not available: baseline of " + total + " deadlocks taken");
        }
        return Reading.of(Rule.DEADLOCKS, total - previous, total + " deadlocks since the statistics were reset");
    }

    private Reading lockWaits(Connection c) throws SQLException {
        SignalQueries.LockWaits w =
                SignalQueries.lockWaits(c, properties.lockWait().toMillis() / 1000.0);
        return Reading.of(
                Rule.LOCK_WAITS,
                w.waiting(),
                w.pid() == null
                        ? "no backend waiting on a lock over "
                                + properties.lockWait().toMillis() + " ms"
                        : "pid " + w.pid() + " waiting " + DiskUsage.round(w.seconds()) + " s, blocked by pid "
                                + w.blockedBy() + ": " + w.query());
    }

    /** The pool with the most threads waiting for a connection (Hikari's pending gauge). */
    private Reading poolExhaustion() {
        double worst = -1;
        String pool = null;
        for (Gauge g : registry.find("hikaricp.connections.pending").gauges()) {
            if (g.value() > worst) {
                worst = g.value();
                pool = g.getId().getTag("pool");
            }
        }
        if (pool == null) {
            return Reading.unavailable(Rule.POOL_EXHAUSTION, "not available: no Hikari pool is measured");
        }
        return Reading.of(Rule.POOL_EXHAUSTION, worst, "pool " + pool);
    }

    private Reading connectionFailures() {
        var counters = registry.find("hikaricp.connections.timeout").counters();
        if (counters.isEmpty()) {
            return Reading.unavailable(Rule.CONNECTION_FAILURES, "not available: no Hikari pool is measured");
        }
        double total = counters.stream().mapToDouble(Counter::count).sum();
        Double previous = lastTimeouts;
        lastTimeouts = total;
        if (previous == null || total < previous) {
            return Reading.unavailable(
                    Rule.CONNECTION_FAILURES, "not available: baseline of " + (long) total + " timeouts taken");
        }
        StringBuilder pools = new StringBuilder();
        for (Counter counter : counters) {
            if (counter.count() > 0) {
                pools.append(pools.isEmpty() ? "" : ", ")
                        .append(counter.getId().getTag("pool"))
                        .append(" ")
                        .append((long) counter.count());
            }
        }
        return Reading.of(
                Rule.CONNECTION_FAILURES,
                total - previous,
                pools.isEmpty() ? "no timeouts since start" : "timeouts since start: " + pools);
    }

    /** Replicas the monitor has polled and taken out of the read rotation. */
    private static Reading replicaDown(List<ReplicaMonitor.Status> statuses) {
        if (statuses.isEmpty()) {
            return Reading.unavailable(Rule.REPLICA_DOWN, "no replicas configured");
        }
        int down = 0;
        int polled = 0;
        StringBuilder detail = new StringBuilder();
        for (ReplicaMonitor.Status s : statuses) {
            if (s.polledAt() == null) {
                continue;
            }
            polled++;
            if (!s.inRotation()) {
                down++;
                detail.append(detail.isEmpty() ? "" : "; ")
                        .append(s.name())
                        .append(": ")
                        .append(s.reason());
            }
        }
        if (polled == 0) {
            return Reading.unavailable(Rule.REPLICA_DOWN, "not available: no replica polled yet");
        }
        return Reading.of(
                Rule.REPLICA_DOWN,
                down,
                down == 0 ? polled + " of " + statuses.size() + " polled replicas in rotation" : detail.toString());
    }

    private Reading replicationLag(List<ReplicaMonitor.Status> statuses) {
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
