package dev.classbase.ops.replication;

import static dev.classbase.ops.kernel.Rows.rows;

import dev.classbase.ops.kernel.Rows;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * Replication as the primary sees it: its standbys (pg_stat_replication), its slots and the WAL it
 * keeps. Named apart from data's ReplicationQueries, which asks the replicas themselves.
 */
final class ReplicationStatusQueries {
    private ReplicationStatusQueries() {}

    /** A row of pg_stat_replication, with the lag in bytes behind the primary's current WAL. */
    record Standby(
            Integer pid,
            String name,
            String client,
            String state,
            String syncState,
            OffsetDateTime backendStart,
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
            OffsetDateTime replyTime) {}

    /**
     * Per standby: positions, lag in bytes behind the primary's current WAL (sent, flushed,
     * replayed), and PostgreSQL's own lag times ({@code *_lag}: how long ago the WAL now
     * written/flushed/replayed was flushed on the primary; null when the standby is caught up and idle).
     */
    static List<Standby> standbys(Connection c) throws SQLException {
        return Rows.rows(c, Standby.class, """
                SELECT pid, application_name AS name, coalesce(host(client_addr), 'local') AS client, state,
                       sync_state, backend_start, sent_lsn::text, write_lsn::text, flush_lsn::text,
                       replay_lsn::text,
                       pg_wal_lsn_diff(pg_current_wal_lsn(), sent_lsn)::bigint AS send_lag_bytes,
                       pg_wal_lsn_diff(pg_current_wal_lsn(), flush_lsn)::bigint AS flush_lag_bytes,
                       pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint AS replay_lag_bytes,
                       extract(epoch FROM write_lag)::float8 AS write_lag_seconds,
                       extract(epoch FROM flush_lag)::float8 AS flush_lag_seconds,
                       extract(epoch FROM replay_lag)::float8 AS replay_lag_seconds,
                       reply_time
                FROM pg_stat_replication
                ORDER BY application_name, pid
                """);
    }

    /**
     * Slots and the WAL each holds back (asked on the primary only: pg_current_wal_lsn() fails in
     * recovery): an inactive slot keeps WAL forever (PgHero's inactive-slot check); {@code wal_status} says whether it is still within max_slot_wal_keep_size.
     */
    static List<ReplicationSlot> slots(Connection c) throws SQLException {
        return Rows.rows(c, ReplicationSlot.class, """
                SELECT slot_name, slot_type, database, active, active_pid, wal_status, restart_lsn::text,
                       CASE WHEN restart_lsn IS NULL THEN NULL
                            ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint END AS retained_bytes,
                       safe_wal_size
                FROM pg_replication_slots
                ORDER BY slot_name
                """);
    }

    /**
     * The WAL kept in pg_wal (pg_ls_waldir: pg_monitor may call it), and the most any slot holds
     * back from being recycled.
     */
    static Map<String, Object> wal(Connection c) throws SQLException {
        return rows(c, """
                SELECT (SELECT count(*)::int FROM pg_ls_waldir()) AS wal_files,
                       (SELECT coalesce(sum(size), 0)::bigint FROM pg_ls_waldir()) AS wal_bytes,
                       (SELECT max(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn))::bigint
                        FROM pg_replication_slots WHERE restart_lsn IS NOT NULL) AS slots_retained_bytes,
                       current_setting('max_slot_wal_keep_size') AS max_slot_wal_keep_size,
                       current_setting('wal_keep_size') AS wal_keep_size
                """).getFirst();
    }
}
