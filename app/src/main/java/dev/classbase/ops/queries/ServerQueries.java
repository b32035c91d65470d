package dev.classbase.ops.queries;

import static dev.classbase.ops.kernel.Rows.rows;

import dev.classbase.ops.kernel.Rows;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of a server's transaction and WAL counters (pg_stat_database, pg_stat_wal): read live,
 * and kept per snapshot as deltas against the counters seen last (V77), as the statements are. The
 * columns of pg_stat_wal are read through {@code to_jsonb}, so a server without one of them
 * (PostgreSQL 18 moved wal_write, wal_sync and their times to pg_stat_io) answers null for it.
 */
final class ServerQueries {
    private ServerQueries() {}

    /** A server's counters as they stand, with the reset times that say whether they restarted. */
    record Counters(
            java.time.OffsetDateTime dbStatsReset,
            java.time.OffsetDateTime walStatsReset,
            Long commits,
            Long rollbacks,
            Long walRecords,
            Long walFpi,
            Long walBytes,
            Long walBuffersFull,
            Long walWrite,
            Long walSync,
            Double walWriteMs,
            Double walSyncMs) {}

    /** This database's counters on the server {@code c} is connected to. */
    static Counters read(Connection c) throws SQLException {
        return Rows.first(c, Counters.class, """
                        SELECT d.stats_reset AS db_stats_reset, (w ->> 'stats_reset')::timestamptz AS wal_stats_reset,
                               d.xact_commit AS commits, d.xact_rollback AS rollbacks,
                               (w ->> 'wal_records')::bigint AS wal_records, (w ->> 'wal_fpi')::bigint AS wal_fpi,
                               (w ->> 'wal_bytes')::numeric::bigint AS wal_bytes,
                               (w ->> 'wal_buffers_full')::bigint AS wal_buffers_full,
                               (w ->> 'wal_write')::bigint AS wal_write, (w ->> 'wal_sync')::bigint AS wal_sync,
                               (w ->> 'wal_write_time')::float8 AS wal_write_ms,
                               (w ->> 'wal_sync_time')::float8 AS wal_sync_ms
                        FROM pg_stat_database AS d
                        CROSS JOIN (SELECT to_jsonb(s) AS w FROM pg_stat_wal AS s) AS wal
                        WHERE d.datname = current_database()
                        """)
                .orElseThrow(() -> new SQLException("this database is not in pg_stat_database"));
    }

    /**
     * The live view: cumulative counters; {@code since} is pg_stat_statements' last reset on the
     * server (its statement counters' start), the live statement list's span.
     */
    static ServerTotals live(String server, Counters c, java.time.OffsetDateTime statementsReset) {
        return new ServerTotals(
                server,
                true,
                null,
                statementsReset,
                c.commits(),
                c.rollbacks(),
                c.walRecords(),
                c.walFpi(),
                c.walBytes(),
                c.walBuffersFull(),
                c.walWrite(),
                c.walSync(),
                round(c.walWriteMs()),
                round(c.walSyncMs()));
    }

    static Optional<Counters> baseline(Connection c, String server) throws SQLException {
        return Rows.first(c, Counters.class, """
                SELECT db_stats_reset, wal_stats_reset, commits, rollbacks, wal_records, wal_fpi, wal_bytes,
                       wal_buffers_full, wal_write, wal_sync, wal_write_ms, wal_sync_ms
                FROM query_history_server_baseline WHERE server = ?
                """, server);
    }

    /**
     * Records the growth since {@code before} (none on a first reading: those counters ran since
     * the server started) and makes {@code now} the baseline. A counter that went down or a reset
     * time that moved restarted: its new value is the delta.
     */
    static void record(Connection c, long snapshotId, String server, Counters before, Counters now)
            throws SQLException {
        if (before != null) {
            boolean db = !java.util.Objects.equals(instant(before.dbStatsReset()), instant(now.dbStatsReset()));
            boolean wal = !java.util.Objects.equals(instant(before.walStatsReset()), instant(now.walStatsReset()));
            Rows.execute(
                    c,
                    """
                    INSERT INTO query_history_servers (snapshot_id, server, commits, rollbacks, wal_records, wal_fpi,
                                                       wal_bytes, wal_buffers_full, wal_write, wal_sync,
                                                       wal_write_ms, wal_sync_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    snapshotId,
                    server,
                    delta(db, before.commits(), now.commits()),
                    delta(db, before.rollbacks(), now.rollbacks()),
                    delta(wal, before.walRecords(), now.walRecords()),
                    delta(wal, before.walFpi(), now.walFpi()),
                    delta(wal, before.walBytes(), now.walBytes()),
                    delta(wal, before.walBuffersFull(), now.walBuffersFull()),
                    delta(wal, before.walWrite(), now.walWrite()),
                    delta(wal, before.walSync(), now.walSync()),
                    delta(wal, before.walWriteMs(), now.walWriteMs()),
                    delta(wal, before.walSyncMs(), now.walSyncMs()));
        }
        Rows.execute(
                c,
                """
                INSERT INTO query_history_server_baseline AS b (server, db_stats_reset, wal_stats_reset, commits,
                    rollbacks, wal_records, wal_fpi, wal_bytes, wal_buffers_full, wal_write, wal_sync, wal_write_ms,
                    wal_sync_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (server) DO UPDATE
                    SET db_stats_reset = excluded.db_stats_reset, wal_stats_reset = excluded.wal_stats_reset,
                        commits = excluded.commits, rollbacks = excluded.rollbacks,
                        wal_records = excluded.wal_records, wal_fpi = excluded.wal_fpi,
                        wal_bytes = excluded.wal_bytes, wal_buffers_full = excluded.wal_buffers_full,
                        wal_write = excluded.wal_write, wal_sync = excluded.wal_sync,
                        wal_write_ms = excluded.wal_write_ms, wal_sync_ms = excluded.wal_sync_ms
                """,
                server,
                now.dbStatsReset(),
                now.walStatsReset(),
                now.commits(),
                now.rollbacks(),
                now.walRecords(),
                now.walFpi(),
                now.walBytes(),
                now.walBuffersFull(),
                now.walWrite(),
                now.walSync(),
                now.walWriteMs(),
                now.walSyncMs());
    }

    /** Per server, the growth over the snapshots after {@code from} up to {@code to}. */
    static List<ServerTotals> window(Connection c, HistoryQueries.Window window) throws SQLException {
        return rows(c, ServerTotals.class, """
                SELECT server, true AS available, NULL::text AS note, ?::timestamptz AS since,
                       sum(commits)::bigint AS commits, sum(rollbacks)::bigint AS rollbacks,
                       sum(wal_records)::bigint AS wal_records, sum(wal_fpi)::bigint AS wal_fpi,
                       sum(wal_bytes)::bigint AS wal_bytes, sum(wal_buffers_full)::bigint AS wal_buffers_full,
                       sum(wal_write)::bigint AS wal_write, sum(wal_sync)::bigint AS wal_sync,
                       round(sum(wal_write_ms)::numeric, 2)::float8 AS wal_write_ms,
                       round(sum(wal_sync_ms)::numeric, 2)::float8 AS wal_sync_ms
                FROM query_history_servers
                WHERE snapshot_id > ? AND snapshot_id <= ?
                GROUP BY server
                ORDER BY server <> 'primary', server
                """, window.fromTakenAt(), window.fromSnapshot(), window.toSnapshot());
    }

    private static java.time.Instant instant(java.time.OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static Long delta(boolean restarted, Long before, Long now) {
        if (now == null) {
            return null;
        }
        return restarted || before == null || now < before ? now : now - before;
    }

    private static Double delta(boolean restarted, Double before, Double now) {
        if (now == null) {
            return null;
        }
        return restarted || before == null || now < before ? now : now - before;
    }

    private static Double round(Double ms) {
        return ms == null ? null : Math.round(ms * 100) / 100.0;
    }
}
