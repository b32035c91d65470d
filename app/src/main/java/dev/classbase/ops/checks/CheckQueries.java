package dev.classbase.ops.checks;

import static dev.classbase.ops.kernel.Rows.rows;

import dev.classbase.ops.kernel.JdbcTimestamp;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The overview's questions, one statement each (PgHero's basic, connections, maintenance, replication). */
final class CheckQueries {
    private CheckQueries() {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record LongRunning(Integer pid, String user, String applicationName, String state, Double seconds, String query) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record IdleInTransaction(
            Integer pid, String user, String applicationName, String state, Double seconds, String lastQuery) {}

    record ConnectionUse(Integer used, Integer max, Integer reserved) {}

    record CacheHitRates(Double tables, Double indexes) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record SlowStatement(String queryid, Long calls, Double meanMs, Double totalMs, String query) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record InactiveSlot(String slotName, String slotType, String database, Long retainedBytes) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Wraparound(String database, Long age, Long remaining, Long freezeMaxAge) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record SequenceUse(String schema, String sequence, Long lastValue, Long maxValue, Double percent) {}

    record InvalidIndex(String schema, String index, String table, String definition) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record BloatedTable(
            String schema,
            String table,
            Long liveRows,
            Long deadRows,
            Double deadPercent,
            Long bytes,
            @JdbcTimestamp OffsetDateTime lastVacuum) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record DataDirectory(String dataDirectory, Integer port, Long started, Long databaseBytes) {}

    /** Statements running longer than the limit, oldest first (other roles' only with pg_read_all_stats). */
    static List<LongRunning> longRunning(Connection c, double seconds) throws SQLException {
        return rows(c, LongRunning.class, """
                SELECT pid, usename AS "user", application_name, state,
                       round(extract(epoch FROM now() - query_start)::numeric, 1)::float8 AS seconds,
                       left(query, 500) AS query
                FROM pg_stat_activity
                WHERE state = 'active'
                  AND backend_type = 'client backend'
                  AND pid <> pg_backend_pid()
                  AND now() - query_start > make_interval(secs => ?)
                ORDER BY query_start
                LIMIT 50
                """, seconds);
    }

    /** Sessions holding a transaction open without running anything, oldest first. */
    static List<IdleInTransaction> idleInTransaction(Connection c, double seconds) throws SQLException {
        return rows(c, IdleInTransaction.class, """
                SELECT pid, usename AS "user", application_name, state,
                       round(extract(epoch FROM now() - state_change)::numeric, 1)::float8 AS seconds,
                       left(query, 500) AS last_query
                FROM pg_stat_activity
                WHERE state IN ('idle in transaction', 'idle in transaction (aborted)')
                  AND now() - state_change > make_interval(secs => ?)
                ORDER BY state_change
                LIMIT 50
                """, seconds);
    }

    /** Client connections in use against max_connections (every row is visible, text or not). */
    static ConnectionUse connections(Connection c) throws SQLException {
        return rows(c, ConnectionUse.class, """
                SELECT count(*)::int AS used,
                       current_setting('max_connections')::int AS max,
                       current_setting('superuser_reserved_connections')::int AS reserved
                FROM pg_stat_activity
                WHERE backend_type = 'client backend'
                """).getFirst();
    }

    /** Share of table and index block reads served from shared buffers, in percent (null: no reads yet). */
    static CacheHitRates cacheHitRates(Connection c) throws SQLException {
        return rows(c, CacheHitRates.class, """
                SELECT (SELECT round(100.0 * sum(heap_blks_hit) / nullif(sum(heap_blks_hit) + sum(heap_blks_read), 0), 2)
                        FROM pg_statio_user_tables)::float8 AS tables,
                       (SELECT round(100.0 * sum(idx_blks_hit) / nullif(sum(idx_blks_hit) + sum(idx_blks_read), 0), 2)
                        FROM pg_statio_user_indexes)::float8 AS indexes
                """).getFirst();
    }

    /** Statements of this database whose mean is over the limit with enough calls to matter. */
    static List<SlowStatement> slowStatements(Connection c, double meanMs, long minCalls) throws SQLException {
        return rows(c, SlowStatement.class, """
                SELECT queryid::text AS queryid, calls,
                       round(mean_exec_time::numeric, 2)::float8 AS mean_ms,
                       round(total_exec_time::numeric, 2)::float8 AS total_ms,
                       left(query, 500) AS query
                FROM pg_stat_statements
                WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND mean_exec_time >= ? AND calls >= ?
                ORDER BY mean_exec_time DESC
                LIMIT 50
                """, meanMs, minCalls);
    }

    /** Slots no consumer is reading from: they keep WAL on the primary until dropped. */
    static List<InactiveSlot> inactiveSlots(Connection c) throws SQLException {
        return rows(c, InactiveSlot.class, """
                SELECT slot_name, slot_type, database,
                       pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint AS retained_bytes
                FROM pg_replication_slots
                WHERE NOT active
                ORDER BY slot_name
                """);
    }

    /** Transaction ids used since each database was last frozen, against the 2^31 horizon. */
    static List<Wraparound> wraparound(Connection c) throws SQLException {
        return rows(c, Wraparound.class, """
                SELECT datname AS database, age(datfrozenxid)::bigint AS age,
                       (2147483647 - age(datfrozenxid))::bigint AS remaining,
                       current_setting('autovacuum_freeze_max_age')::bigint AS freeze_max_age
                FROM pg_database
                WHERE datallowconn
                ORDER BY age(datfrozenxid) DESC
                """);
    }

    /** Ascending sequences past the share of their range (last_value is null without the privilege). */
    static List<SequenceUse> sequencesNearOverflow(Connection c, double percent) throws SQLException {
        return rows(c, SequenceUse.class, """
                SELECT schemaname AS schema, sequencename AS sequence, last_value, max_value,
                       round(100.0 * last_value / max_value, 2)::float8 AS percent
                FROM pg_sequences
                WHERE last_value IS NOT NULL AND increment_by > 0
                  AND 100.0 * last_value / max_value > ?
                ORDER BY 5 DESC
                """, percent);
    }

    /** Indexes the planner may not use: a failed CREATE INDEX CONCURRENTLY leaves one (or one in progress). */
    static List<InvalidIndex> invalidIndexes(Connection c) throws SQLException {
        return rows(c, InvalidIndex.class, """
                SELECT n.nspname AS schema, ci.relname AS index, ct.relname AS "table",
                       pg_get_indexdef(i.indexrelid) AS definition
                FROM pg_index i
                JOIN pg_class ci ON ci.oid = i.indexrelid
                JOIN pg_class ct ON ct.oid = i.indrelid
                JOIN pg_namespace n ON n.oid = ci.relnamespace
                WHERE NOT i.indisvalid
                ORDER BY 1, 2
                """);
    }

    /**
     * Tables whose dead tuples passed autovacuum's own trigger by far: more than 20 % of the rows
     * (autovacuum_vacuum_scale_factor's default) and at least {@code minDead} of them.
     */
    static List<BloatedTable> bloatedTables(Connection c, long minDead) throws SQLException {
        return rows(c, BloatedTable.class, """
                SELECT schemaname AS schema, relname AS "table", n_live_tup AS live_rows, n_dead_tup AS dead_rows,
                       round(100.0 * n_dead_tup / nullif(n_live_tup + n_dead_tup, 0), 1)::float8 AS dead_percent,
                       pg_total_relation_size(relid) AS bytes,
                       greatest(last_vacuum, last_autovacuum) AS last_vacuum
                FROM pg_stat_user_tables
                WHERE n_dead_tup >= ?
                  AND n_dead_tup > 0.2 * (n_live_tup + n_dead_tup)
                ORDER BY n_dead_tup DESC
                LIMIT 50
                """, minDead);
    }

    /**
     * Where the server keeps its data, and what identifies the running postmaster. pg_settings
     * hides data_directory from roles without pg_read_all_settings (in pg_monitor): null then.
     */
    static DataDirectory dataDirectory(Connection c) throws SQLException {
        return rows(c, DataDirectory.class, """
                SELECT (SELECT setting FROM pg_settings WHERE name = 'data_directory') AS data_directory,
                       current_setting('port')::int AS port,
                       extract(epoch FROM pg_postmaster_start_time())::bigint AS started,
                       pg_database_size(current_database()) AS database_bytes
                """).getFirst();
    }
}
