package dev.classbase.ops.connections;

import static dev.classbase.ops.kernel.Rows.rows;

import dev.classbase.ops.kernel.Rows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Connections from pg_stat_activity (client backends of every database, as PgHero shows them),
 * grouped four ways, the live ones, and the cancel and terminate signals with their audit (V62).
 */
final class ConnectionQueries {
    private ConnectionQueries() {}

    static List<ConnectionCount.ByState> byState(Connection c) throws SQLException {
        return Rows.rows(c, ConnectionCount.ByState.class, """
                SELECT coalesce(state, 'unknown') AS state, count(*)::int AS connections
                FROM pg_stat_activity WHERE backend_type = 'client backend'
                GROUP BY 1 ORDER BY connections DESC, state
                """);
    }

    static List<ConnectionCount.ByUser> byUser(Connection c) throws SQLException {
        return Rows.rows(c, ConnectionCount.ByUser.class, """
                SELECT coalesce(usename, 'unknown') AS "user", count(*)::int AS connections
                FROM pg_stat_activity WHERE backend_type = 'client backend'
                GROUP BY 1 ORDER BY connections DESC, "user"
                """);
    }

    static List<ConnectionCount.ByApplication> byApplication(Connection c) throws SQLException {
        return Rows.rows(c, ConnectionCount.ByApplication.class, """
                SELECT coalesce(nullif(application_name, ''), 'unknown') AS application, count(*)::int AS connections
                FROM pg_stat_activity WHERE backend_type = 'client backend'
                GROUP BY 1 ORDER BY connections DESC, application
                """);
    }

    /** A Unix-socket client has no address: "local". */
    static List<ConnectionCount.ByClient> byClient(Connection c) throws SQLException {
        return Rows.rows(c, ConnectionCount.ByClient.class, """
                SELECT coalesce(host(client_addr), 'local') AS client, count(*)::int AS connections
                FROM pg_stat_activity WHERE backend_type = 'client backend'
                GROUP BY 1 ORDER BY connections DESC, client
                """);
    }

    /** Client backends that are not idle, longest running first; {@code own}: the console's backend. */
    static List<Map<String, Object>> live(Connection c, int queryChars, int limit) throws SQLException {
        return rows(c, """
                SELECT pid, datname AS database, usename AS "user", application_name AS application,
                       coalesce(host(client_addr), 'local') AS client, state,
                       wait_event_type, wait_event, backend_start, xact_start, query_start,
                       round(extract(epoch FROM clock_timestamp() - query_start) * 1000)::bigint AS duration_ms,
                       left(query, ?) AS query, pid = pg_backend_pid() AS own
                FROM pg_stat_activity
                WHERE backend_type = 'client backend' AND state IS DISTINCT FROM 'idle'
                ORDER BY query_start NULLS LAST, pid
                LIMIT ?
                """, queryChars, limit);
    }

    /** The backend as the signal will find it; none when the pid is no backend. */
    static List<Map<String, Object>> backend(Connection c, int pid) throws SQLException {
        return rows(c, """
                SELECT pid, backend_type, usename AS "user", application_name AS application,
                       coalesce(host(client_addr), 'local') AS client, state, left(query, 4000) AS query,
                       pid = pg_backend_pid() AS own
                FROM pg_stat_activity WHERE pid = ?
                """, pid);
    }

    /** pg_cancel_backend: the running statement ends with an error, the session stays. */
    static boolean cancel(Connection c, int pid) throws SQLException {
        return signal(c, "SELECT pg_cancel_backend(?)", pid);
    }

    /** pg_terminate_backend: the session ends; its open transaction rolls back. */
    static boolean terminate(Connection c, int pid) throws SQLException {
        return signal(c, "SELECT pg_terminate_backend(?)", pid);
    }

    static void audit(
            Connection c,
            String action,
            String outcome,
            long actorUserId,
            String actorEmail,
            int pid,
            Map<String, Object> target,
            String detail)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO connection_audit (action, outcome, actor_user_id, actor_email, pid, target_user,
                                              target_application, target_client, target_state, query, detail)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)) {
            ps.setString(1, action);
            ps.setString(2, outcome);
            ps.setLong(3, actorUserId);
            ps.setString(4, actorEmail);
            ps.setInt(5, pid);
            ps.setObject(6, target == null ? null : target.get("user"));
            ps.setObject(7, target == null ? null : target.get("application"));
            ps.setObject(8, target == null ? null : target.get("client"));
            ps.setObject(9, target == null ? null : target.get("state"));
            ps.setObject(10, target == null ? null : target.get("query"));
            ps.setString(11, detail);
            ps.executeUpdate();
        }
    }

    static List<Map<String, Object>> auditLog(Connection c, int limit) throws SQLException {
        return rows(c, """
                SELECT id, at, action, outcome, actor_user_id, actor_email, pid, target_user, target_application,
                       target_client, target_state, left(query, 2000) AS query, detail
                FROM connection_audit ORDER BY id DESC LIMIT ?
                """, limit);
    }

    private static boolean signal(Connection c, String sql, int pid) throws SQLException {
        List<Map<String, Object>> r = rows(c, sql, pid);
        return Boolean.TRUE.equals(r.getFirst().values().iterator().next());
    }
}
