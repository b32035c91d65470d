package dev.classbase.data.routing;

import dev.classbase.data.consistency.Lsn;
import dev.classbase.data.consistency.ReadContext;
import dev.classbase.data.replicas.ReplicaMonitor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.AbstractDataSource;

/**
 * The data source of read-only work: a connection from the least busy replica that is in rotation
 * and has replayed the caller's last write, else from the primary, with the reason counted
 * ({@code classbase.reads} tagged by target and reason). A replica's connections are taken through
 * its {@link ReplicaGate}, which also tells how busy the replica is.
 *
 * Every connection, the primary's too, comes as a {@link RoutedConnection}.
 *
 * <p>This runs for every read transaction, so it allocates nothing but the connection's proxy.
 */
final class ReplicaRouter extends AbstractDataSource {
    /** Why a read went to the primary. */
    enum Fallback {
        FORCED("forced"),
        TOKEN_MALFORMED("token-malformed"),
        TOKEN_NOT_REPLAYED("token-not-replayed"),
        LAG("lag"),
        REPLICA_DOWN("replica-down"),
        NO_REPLICA("no-replica");

        final String tag;
        /** Where {@link ReadContext#readTargets()} says the read went. */
        final String target;

        Fallback(String tag) {
            this.tag = tag;
            this.target = "primary (" + tag + ")";
        }
    }

    /** One replica: its (watched) pool and the gate in front of it. */
    record Replica(String name, DataSource dataSource, ReplicaGate gate) {}

    private final String role;
    private final DataSource primary;
    private final Replica[] replicas;
    private final ReplicaMonitor monitor;
    private final MeterRegistry registry;
    private final Map<String, Counter> replicaCounters = new ConcurrentHashMap<>();
    private final Counter[] primaryCounters = new Counter[Fallback.values().length];
    private final AtomicLong roundRobin = new AtomicLong();

    ReplicaRouter(
            String role, DataSource primary, List<Replica> replicas, ReplicaMonitor monitor, MeterRegistry registry) {
        this.role = role;
        this.primary = primary;
        this.replicas = replicas.toArray(Replica[]::new);
        this.monitor = monitor;
        this.registry = registry;
    }

    @Override
    public Connection getConnection() throws SQLException {
        ReadContext context = ReadContext.current();
        Fallback fallback;
        if (context.forcedPrimary()) {
            fallback = Fallback.FORCED;
        } else if (context.token() == ReadContext.Token.MALFORMED) {
            fallback = Fallback.TOKEN_MALFORMED;
        } else if (replicas.length == 0) {
            fallback = Fallback.NO_REPLICA;
        } else {
            // the least busy replica that is in rotation and has the caller's last write; the scan
            // starts at a rotating index, so equally busy replicas take turns
            Lsn required = context.requiredLsn();
            boolean inRotation = false;
            boolean lagging = false;
            Replica chosen = null;
            int chosenLoad = Integer.MAX_VALUE;
            Replica behind = null; // in rotation, but its last poll had not replayed the caller's write
            int behindLoad = Integer.MAX_VALUE;
            int start = replicas.length == 1 ? 0 : (int) Math.floorMod(roundRobin.getAndIncrement(), replicas.length);
            for (int i = 0; i < replicas.length; i++) {
                Replica replica = replicas[(start + i) % replicas.length];
                ReplicaMonitor.Status status = monitor.status(replica.name());
                if (status == null) {
                    continue;
                }
                if (!status.inRotation()) {
                    lagging |= status.reason() != null && status.reason().startsWith("lag");
                    continue;
                }
                inRotation = true;
                if (required != null
                        && (status.replayLsn() == null || !status.replayLsn().atLeast(required))) {
                    if (replica.gate().inUse() < behindLoad) {
                        behind = replica;
                        behindLoad = replica.gate().inUse();
                    }
                    continue;
                }
                int load = replica.gate().inUse();
                if (load < chosenLoad) {
                    chosen = replica;
                    chosenLoad = load;
                }
            }
            if (chosen == null && behind != null && monitor.hasReplayed(behind.name(), required)) {
                chosen = behind; // asked now: it has replayed the write since its last poll
            }
            if (chosen != null) {
                try {
                    Connection connection = connect(chosen);
                    context.noteRead(chosen.name());
                    replicaCounters
                            .computeIfAbsent(chosen.name(), name -> counter(name, "ok"))
                            .increment();
                    return connection;
                } catch (SQLException e) {
                    monitor.reportFailure(chosen.name(), e);
                    fallback = Fallback.REPLICA_DOWN;
                }
            } else {
                fallback = inRotation ? Fallback.TOKEN_NOT_REPLAYED : lagging ? Fallback.LAG : Fallback.REPLICA_DOWN;
            }
        }
        context.noteRead(fallback.target);
        Counter counter = primaryCounters[fallback.ordinal()];
        if (counter == null) { // racing threads register the same meter: the registry hands back the one it has
            counter = counter("primary", fallback.tag);
            primaryCounters[fallback.ordinal()] = counter;
        }
        counter.increment();
        return RoutedConnection.wrap(primary.getConnection(), null);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLException("the routing data source uses the pools' own credentials");
    }

    /**
     * A connection of the replica, through its gate. Waiting out the pool's connection timeout
     * fails like HikariCP's own timeout did: the replica is reported and the read goes to the
     * primary.
     */
    private static Connection connect(Replica replica) throws SQLException {
        if (!replica.gate().enter()) {
            throw new SQLTransientConnectionException(
                    replica.name() + ": no connection became free within the pool's connection timeout");
        }
        Connection connection;
        try {
            connection = replica.dataSource().getConnection();
        } catch (SQLException | RuntimeException e) {
            replica.gate().leave();
            throw e;
        }
        return RoutedConnection.wrap(connection, replica.gate());
    }

    private Counter counter(String target, String reason) {
        return Counter.builder("classbase.reads")
                .description("read connections by target and, for the primary, why")
                .tag("role", role)
                .tag("target", target)
                .tag("reason", reason)
                .register(registry);
    }
}
