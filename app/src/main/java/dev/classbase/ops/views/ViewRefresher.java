package dev.classbase.ops.views;

import dev.classbase.ops.kernel.BoundedRead;
import dev.classbase.ops.kernel.ClusterJob;
import dev.classbase.ops.kernel.LocalTimeout;
import dev.classbase.ops.views.RefreshResult.Outcome;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Refreshes the materialized views: one view on request ({@code views refresh}), or a scheduled
 * pass over the views that are due, in dependency order. Works as the owner or as the service role
 * (V41's function refreshes as the owner).
 *
 * <p>Two locks, both PostgreSQL advisory locks, so N server instances and the CLI need nothing but
 * the database. A pass holds the cluster's runner lock (session-level, on the pass's one
 * connection; released when the pass ends or the connection dies): one runner per cluster, the
 * others skip. Every refresh, from a pass or by hand, takes its view's own lock inside V41's
 * function: a second refresh of the same view is skipped with {@link Outcome#SKIPPED_RUNNING}, or
 * waits when asked to. The runner lock needs a direct connection: through PgBouncer in transaction
 * mode a session lock would not stay with the session (the per-view locks do, being
 * transaction-scoped).
 */
public final class ViewRefresher {
    private final DataSource dataSource;
    private final ViewRegistry registry;
    private final ViewProperties properties;
    private final Clock clock;

    /** {@code dataSource}: the primary (on a replica every call is a clear no-op). */
    public ViewRefresher(DataSource dataSource, ViewProperties properties, Clock clock) {
        this.dataSource = dataSource;
        this.properties = properties;
        this.registry = ViewRegistry.of(properties);
        this.clock = clock;
    }

    public ViewRegistry registry() {
        return registry;
    }

    /**
     * Refreshes the named views (all when empty) in dependency order, due or not. {@code wait}: wait
     * for a running refresh of the same view to end and then refresh, instead of skipping.
     */
    public List<RefreshResult> refresh(List<String> names, boolean wait) throws SQLException {
        List<MaterializedView> wanted = new ArrayList<>();
        for (String name : names) {
            wanted.add(registry.find(name)
                    .orElseThrow(() -> new IllegalArgumentException(
                            "no materialized view '" + name + "'; known: " + String.join(", ", registry.names()))));
        }
        try (Connection c = dataSource.getConnection()) {
            List<RefreshResult> results = new ArrayList<>();
            for (MaterializedView view : registry.views()) {
                if (wanted.isEmpty() || wanted.contains(view)) {
                    results.add(refreshOne(c, view, wait));
                }
            }
            return results;
        }
    }

    /** A scheduled pass: under the runner lock, each view that is due, in dependency order. */
    public RefreshPass refreshDue() throws SQLException {
        long started = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            ClusterJob.Guarded<RefreshPass> run = ClusterJob.once(c, ViewQueries.RUNNER_LOCK, locked -> {
                List<RefreshResult> results = pass(locked);
                long refreshed = results.stream()
                        .filter(r -> r.outcome() == Outcome.REFRESHED)
                        .count();
                return new RefreshPass(
                        RefreshPass.Outcome.RAN,
                        refreshed == 0 ? "views up to date: nothing to do" : "refreshed " + refreshed + " view(s)",
                        results,
                        since(started));
            });
            if (run.ran()) {
                return run.value();
            }
            return run.skipped() == ClusterJob.Skip.REPLICA
                    ? new RefreshPass(
                            RefreshPass.Outcome.SKIPPED_REPLICA,
                            "this server is a replica (pg_is_in_recovery()); views are refreshed on the primary: nothing done",
                            List.of(),
                            since(started))
                    : new RefreshPass(
                            RefreshPass.Outcome.SKIPPED_LOCKED,
                            "another instance is running the view refresh pass (it holds the runner lock): nothing done",
                            List.of(),
                            since(started));
        }
    }

    private List<RefreshResult> pass(Connection c) throws SQLException {
        Map<String, Refresh> last = refreshes(c);
        OffsetDateTime now = OffsetDateTime.now(clock);
        Map<String, Outcome> thisPass = new HashMap<>();
        List<RefreshResult> results = new ArrayList<>();
        for (MaterializedView view : registry.views()) {
            RefreshResult result;
            String failedDependency = view.dependsOn().stream()
                    .filter(d -> thisPass.get(d) == Outcome.FAILED || thisPass.get(d) == Outcome.SKIPPED_DEPENDENCY)
                    .findFirst()
                    .orElse(null);
            if (failedDependency != null) {
                result = new RefreshResult(
                        view.name(),
                        Outcome.SKIPPED_DEPENDENCY,
                        null,
                        Duration.ZERO,
                        "not refreshed: " + failedDependency + " could not be refreshed");
            } else if (due(view, last, thisPass, now)) {
                result = refreshOne(c, view, false);
            } else {
                result = new RefreshResult(view.name(), Outcome.FRESH, null, Duration.ZERO, "not due");
            }
            thisPass.put(view.name(), result.outcome());
            results.add(result);
        }
        return results;
    }

    /** Due: never refreshed, its interval has passed, or a view it reads was refreshed after it. */
    private static boolean due(
            MaterializedView view, Map<String, Refresh> last, Map<String, Outcome> thisPass, OffsetDateTime now) {
        Refresh own = last.get(view.name());
        if (own == null || own.refreshedAt() == null) {
            return true;
        }
        if (!own.refreshedAt().plus(view.interval()).isAfter(now)) {
            return true;
        }
        for (String dependency : view.dependsOn()) {
            Refresh dep = last.get(dependency);
            if (thisPass.get(dependency) == Outcome.REFRESHED
                    || (dep != null
                            && dep.refreshedAt() != null
                            && dep.refreshedAt().isAfter(own.refreshedAt()))) {
                return true;
            }
        }
        return false;
    }

    private RefreshResult refreshOne(Connection c, MaterializedView view, boolean wait) throws SQLException {
        long started = System.nanoTime();
        c.setAutoCommit(false);
        try {
            LocalTimeout.statement(c, properties.refreshTimeout());
            RefreshResult result;
            try (PreparedStatement ps = c.prepareStatement(ViewQueries.refresh())) {
                ps.setString(1, view.name());
                ps.setBoolean(2, wait);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    boolean concurrently = rs.getBoolean(2);
                    Boolean conc = rs.wasNull() ? null : concurrently;
                    result = new RefreshResult(
                            view.name(),
                            Outcome.valueOf(rs.getString(1).toUpperCase(Locale.ROOT)),
                            conc,
                            since(started),
                            rs.getString(4));
                }
            }
            // commit ends the view's lock; a failed refresh's bookkeeping is committed too
            c.commit();
            return result;
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Per view in dependency order, from the catalog and the refresh bookkeeping. Read-only, 30 s at most. */
    public List<ViewStatus> status() throws SQLException {
        return status(Duration.ofSeconds(30));
    }

    /** As {@link #status()}: in a read-only transaction bounded by {@code timeout}, rolled back. */
    public List<ViewStatus> status(Duration timeout) throws SQLException {
        return BoundedRead.run(dataSource, timeout, this::status);
    }

    private List<ViewStatus> status(Connection c) throws SQLException {
        Map<String, Refresh> last = refreshes(c);
        Map<String, Object[]> catalog = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(ViewQueries.catalog())) {
            Array names = c.createArrayOf("text", registry.names().toArray());
            ps.setArray(1, names);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    catalog.put(rs.getString(1), new Object[] {rs.getBoolean(2), rs.getLong(3), rs.getLong(4)});
                }
            }
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        Map<String, OffsetDateTime> asOf = asOf(last);
        List<ViewStatus> status = new ArrayList<>();
        for (MaterializedView view : registry.views()) {
            Object[] facts = catalog.getOrDefault(view.name(), new Object[] {false, 0L, 0L});
            Refresh r = last.get(view.name());
            OffsetDateTime dataAsOf = asOf.get(view.name());
            status.add(new ViewStatus(
                    view.name(),
                    (Boolean) facts[0],
                    (Long) facts[1],
                    (Long) facts[2],
                    view.interval(),
                    r == null ? null : r.refreshedAt(),
                    r == null || r.durationMs() == null ? null : Duration.ofMillis(r.durationMs()),
                    dataAsOf,
                    dataAsOf == null ? null : Duration.between(dataAsOf, now),
                    r == null ? null : r.lastOutcome(),
                    r == null ? null : r.lastError()));
        }
        return status;
    }

    /** A view's data is as old as its last refresh, or as the oldest view it reads. */
    Map<String, OffsetDateTime> asOf(Map<String, Refresh> last) {
        Map<String, OffsetDateTime> asOf = new HashMap<>();
        for (MaterializedView view : registry.views()) {
            Refresh r = last.get(view.name());
            OffsetDateTime t = r == null ? null : r.refreshedAt();
            for (String dependency : view.dependsOn()) {
                OffsetDateTime d = asOf.get(dependency);
                t = t == null || d == null ? null : (d.isBefore(t) ? d : t);
            }
            asOf.put(view.name(), t);
        }
        return asOf;
    }

    record Refresh(OffsetDateTime refreshedAt, Long durationMs, String lastOutcome, String lastError) {}

    Map<String, Refresh> refreshes(Connection c) throws SQLException {
        Map<String, Refresh> last = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(ViewQueries.refreshes());
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long ms = rs.getLong(3);
                Long durationMs = rs.wasNull() ? null : ms;
                last.put(
                        rs.getString(1),
                        new Refresh(
                                rs.getObject(2, OffsetDateTime.class), durationMs, rs.getString(4), rs.getString(5)));
            }
        }
        return last;
    }

    Map<String, Refresh> refreshes() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return refreshes(c);
        }
    }

    private static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}
