package dev.classbase.ops.queries;

import dev.classbase.ops.kernel.JdbcTimestamp;
import java.time.OffsetDateTime;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One server's transactions and WAL beside its statements: commits and rollbacks from
 * pg_stat_database, WAL records, full-page images, bytes, buffer-full writes, writes and flushes
 * (with their time when track_wal_io_timing is on) from pg_stat_wal. COMMIT sent through the
 * extended protocol (pgjdbc's commit()) is not counted by pg_stat_statements, so a write's commit
 * and its WAL flush show here rather than in the statement lists. {@code since}: pg_stat_statements'
 * last reset on the server for the live view (pg_stat_database and pg_stat_wal count since their own
 * resets, usually the server's start), the window's start for a window. A counter the server does not have (PostgreSQL 18 moved WAL writes and syncs to
 * pg_stat_io) is null.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record ServerTotals(
        String server,
        boolean available,
        String note,
        @JdbcTimestamp OffsetDateTime since,
        Long commits,
        Long rollbacks,
        Long walRecords,
        Long walFpi,
        Long walBytes,
        Long walBuffersFull,
        Long walWrite,
        Long walSync,
        Double walWriteMs,
        Double walSyncMs) {

    static ServerTotals missing(String server, String note) {
        return new ServerTotals(server, false, note, null, null, null, null, null, null, null, null, null, null, null);
    }
}
