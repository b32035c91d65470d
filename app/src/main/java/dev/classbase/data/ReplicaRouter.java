package dev.classbase.data;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.AbstractDataSource;

/**
 * The data source of read-only work: a connection from the least busy replica that is in rotation
 * and has replayed the caller's last write, else from the primary, with the reason counted
 * ({@code classbase.reads} tagged by target and reason).
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

        Fallback(String tag) {
            this.tag = tag;
        }
    }

    private final String role;
    private final DataSource primary;
    private final Map<String, DataSource> replicas;
    private final ReplicaMonitor monitor;
    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> inFlight = new LinkedHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final AtomicLong roundRobin = new AtomicLong();

    ReplicaRouter(
            String role,
            DataSource primary,
            Map<String, DataSource> replicas,
            ReplicaMonitor monitor,
            MeterRegistry registry) {
        this.role = role;
        this.primary = primary;
        this.replicas = replicas;
        this.monitor = monitor;
        this.registry = registry;
        replicas.keySet().forEach(name -> inFlight.put(name, new AtomicInteger()));
    }

    @Override
    public Connection getConnection() throws SQLException {
        ReadContext context = ReadContext.current();
        Fallback fallback = null;
        if (context.forcedPrimary()) {
            fallback = Fallback.FORCED;
        } else if (context.token() == ReadContext.Token.MALFORMED) {
            fallback = Fallback.TOKEN_MALFORMED;
        } else {
            List<ReplicaMonitor.Status> inRotation = new ArrayList<>();
            boolean lagging = false;
            for (ReplicaMonitor.Status status : monitor.statuses()) {
                if (!replicas.containsKey(status.name())) {
                    continue;
                }
                if (status.inRotation()) {
                    inRotation.add(status);
                } else if (status.reason() != null && status.reason().startsWith("lag")) {
                    lagging = true;
                }
            }
            if (inRotation.isEmpty()) {
                fallback = replicas.isEmpty() ? Fallback.NO_REPLICA : lagging ? Fallback.LAG : Fallback.REPLICA_DOWN;
            } else {
                Lsn required = context.requiredLsn();
                List<ReplicaMonitor.Status> caughtUp = inRotation.stream()
                        .filter(s -> required == null
                                || (s.replayLsn() != null && s.replayLsn().atLeast(required)))
                        .toList();
                if (caughtUp.isEmpty()) {
                    fallback = Fallback.TOKEN_NOT_REPLAYED;
                } else {
                    String chosen = leastBusy(caughtUp);
                    try {
                        Connection connection = replicas.get(chosen).getConnection();
                        context.noteRead(chosen);
                        count(chosen, "ok");
                        return tracked(connection, inFlight.get(chosen));
                    } catch (SQLException e) {
                        monitor.reportFailure(chosen, e);
                        fallback = Fallback.REPLICA_DOWN;
                    }
                }
            }
        }
        context.noteRead("primary (" + fallback.tag + ")");
        count("primary", fallback.tag);
        return primary.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLException("the routing data source uses the pools' own credentials");
    }

    private String leastBusy(List<ReplicaMonitor.Status> candidates) {
        int start = (int) Math.floorMod(roundRobin.getAndIncrement(), candidates.size());
        String best = null;
        int bestLoad = Integer.MAX_VALUE;
        for (int i = 0; i < candidates.size(); i++) {
            String name = candidates.get((start + i) % candidates.size()).name();
            int load = inFlight.get(name).get();
            if (load < bestLoad) {
                best = name;
                bestLoad = load;
            }
        }
        return best;
    }

    private void count(String target, String reason) {
        counters.computeIfAbsent(
                        target + "|" + reason,
                        k -> Counter.builder("classbase.reads")
                                .description("read connections by target and, for the primary, why")
                                .tag("role", role)
                                .tag("target", target)
                                .tag("reason", reason)
                                .register(registry))
                .increment();
    }

    /** The connection, counted as in flight on its replica until closed. */
    private static Connection tracked(Connection connection, AtomicInteger counter) {
        counter.incrementAndGet();
        AtomicInteger once = new AtomicInteger();
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("close") && once.getAndIncrement() == 0) {
                counter.decrementAndGet();
            }
            if (method.getName().equals("unwrap") && args[0] == Connection.class) {
                return connection;
            }
            try {
                return method.invoke(connection, args);
            } catch (InvocationTargetException e) {
                throw e.getTargetException();
            }
        };
        return (Connection) Proxy.newProxyInstance(
                ReplicaRouter.class.getClassLoader(), new Class<?>[] {Connection.class}, handler);
    }
}
