package dev.classbase.ops.alerts;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * What the rules measure on the primary, one statement each: the same statistics views the
 * console's checks read (PgHero's long_running_queries, connections, cache hit rate), reduced to
 * the one number a rule compares. Run by {@link Signals} in a read-only, time-limited transaction.
 */
final class SignalQueries {
    private SignalQueries() {}

    /** The longest statement running now. */
    record Longest(double seconds, Integer pid, String application, String query) {}

    /** Connections in use and the server's limit. */
    record Connections(int used, int max) {}

    /** Buffer cache hit rates in percent; null before the first read. */
    record CacheHit(Double tables, Double indexes) {}

    /** Where the server keeps its data, and what identifies the running postmaster. */
    record DataDirectory(String path, int port, long startedEpochSeconds) {}

    /**
     * The oldest active client statement of this database, except this connection's and those of
     * applications that run long statements by design (bound LIKE patterns). Other roles'
     * sessions are visible with pg_read_all_stats (V60's pg_monitor).
     */
    static Longest longestRunning(Connection c, List<String> ignoredApplications) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT extract(epoch FROM clock_timestamp() - query_start)::float8 AS seconds,
                       pid, application_name, left(query, 300) AS query
                FROM pg_stat_activity
                WHERE state = 'active'
                  AND backend_type = 'client backend'
                  AND datname = current_database()
                  AND pid <> pg_backend_pid()
                  AND query_start IS NOT NULL
                  AND NOT (application_name LIKE ANY (?))
                ORDER BY query_start
                LIMIT 1
                """)) {
            Array patterns = c.createArrayOf("text", ignoredApplications.toArray());
            ps.setArray(1, patterns);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? new Longest(rs.getDouble(1), rs.getInt(2), rs.getString(3), rs.getString(4))
                        : new Longest(0, null, null, null);
            }
        }
    }

    /** Client backends of every database against max_connections: the budget is the server's. */
    static Connections connections(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT count(*)::int AS used, current_setting('max_connections')::int AS max
                FROM pg_stat_activity
                WHERE backend_type = 'client backend'
                """);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Connections(rs.getInt(1), rs.getInt(2));
        }
    }

    /** Table and index block reads served from shared buffers since the statistics were reset. */
    static CacheHit cacheHit(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT (SELECT 100.0 * sum(heap_blks_hit) / nullif(sum(heap_blks_hit) + sum(heap_blks_read), 0)
                        FROM pg_statio_user_tables)::float8 AS tables,
                       (SELECT 100.0 * sum(idx_blks_hit) / nullif(sum(idx_blks_hit) + sum(idx_blks_read), 0)
                        FROM pg_statio_user_indexes)::float8 AS indexes
                """);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            double tables = rs.getDouble(1);
            Double t = rs.wasNull() ? null : tables;
            double indexes = rs.getDouble(2);
            return new CacheHit(t, rs.wasNull() ? null : indexes);
        }
    }

    /**
     * data_directory is readable with pg_read_all_settings (in pg_monitor); pg_settings hides it
     * from other roles, so no row means "not allowed".
     */
    static DataDirectory dataDirectory(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT (SELECT setting FROM pg_settings WHERE name = 'data_directory') AS path,
                       current_setting('port')::int AS port,
                       extract(epoch FROM pg_postmaster_start_time())::bigint AS started
                """);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new DataDirectory(rs.getString(1), rs.getInt(2), rs.getLong(3));
        }
    }

    /** Backends waiting on a lock longer than the threshold, and the longest of them. */
    record LockWaits(int waiting, Integer pid, double seconds, String blockedBy, String query) {}

    /** Deadlocks detected in this database since the statistics were reset (a counter). */
    static long deadlocks(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()
                """);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * Backends of this database whose statement has waited on a heavyweight lock for longer than
     * {@code seconds}: wait_event_type 'Lock' and an ungranted pg_locks row (PgHero's
     * blocked_queries), timed from query_start, the start of the waiting statement; the blockers are
     * pg_blocking_pids.
     */
    static LockWaits lockWaits(Connection c, double seconds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT count(*) OVER ()::int AS waiting, a.pid,
                       extract(epoch FROM clock_timestamp() - a.query_start)::float8 AS seconds,
                       array_to_string(pg_blocking_pids(a.pid), ', ') AS blocked_by,
                       left(a.query, 300) AS query
                FROM pg_stat_activity a
                WHERE a.datname = current_database()
                  AND a.wait_event_type = 'Lock'
                  AND a.pid <> pg_backend_pid()
                  AND clock_timestamp() - a.query_start > make_interval(secs => ?)
                  AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND NOT l.granted)
                ORDER BY a.query_start
                LIMIT 1
                """)) {
            ps.setDouble(1, seconds);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? new LockWaits(rs.getInt(1), rs.getInt(2), rs.getDouble(3), rs.getString(4), rs.getString(5))
                        : new LockWaits(0, null, 0, null, null);
            }
        }
    }
}
