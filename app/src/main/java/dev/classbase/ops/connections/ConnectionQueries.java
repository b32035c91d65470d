package dev.classbase.ops.connections;

import dev.classbase.ops.kernel.JdbcTimestamp;
import dev.classbase.ops.kernel.Rows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Connections from pg_stat_activity (client backends of every database, as PgHero shows them),
 * grouped four ways, the live ones, and the cancel and terminate signals with their audit (V62).
 */
final class ConnectionQueries {
    private ConnectionQueries() {}

    /** A client backend at work; {@code own}: the console's backend. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Live(
            Integer pid,
            String database,
            String user,
            String application,
            String client,
            String state,
            String waitEventType,
            String waitEvent,
            @JdbcTimestamp OffsetDateTime backendStart,
            @JdbcTimestamp OffsetDateTime xactStart,
            @JdbcTimestamp OffsetDateTime queryStart,
            Long durationMs,
            String query,
            Boolean own) {}

    /** The backend a signal is meant for. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Backend(
            Integer pid,
            String backendType,
            String user,
            String application,
            String client,
            String state,
            String query,
            Boolean own) {}

    /** A row of connection_audit. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record AuditEntry(
            Long id,
            @JdbcTimestamp OffsetDateTime at,
            String action,
            String outcome,
            Long actorUserId,
            String actorEmail,
            Integer pid,
            String targetUser,
            String targetApplication,
            String targetClient,
            String targetState,
            String query,
            String detail) {}

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
    static List<Live> live(Connection c, int queryChars, int limit) throws SQLException {
        return Rows.rows(c, Live.class, """
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
    static Optional<Backend> backend(Connection c, int pid) throws SQLException {
        return Rows.first(c, Backend.class, """
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
            Backend target,
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
            ps.setString(6, target == null ? null : target.user());
            ps.setString(7, target == null ? null : target.application());
            ps.setString(8, target == null ? null : target.client());
            ps.setString(9, target == null ? null : target.state());
            ps.setString(10, target == null ? null : target.query());
            ps.setString(11, detail);
            ps.executeUpdate();
        }
    }

    static List<AuditEntry> auditLog(Connection c, int limit) throws SQLException {
        return Rows.rows(c, AuditEntry.class, """
                SELECT id, at, action, outcome, actor_user_id, actor_email, pid, target_user, target_application,
                       target_client, target_state, left(query, 2000) AS query, detail
                FROM connection_audit ORDER BY id DESC LIMIT ?
                """, limit);
    }

    private static boolean signal(Connection c, String sql, int pid) throws SQLException {
        return Rows.bool(c, sql, pid);
    }
}
