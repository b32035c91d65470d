package dev.classbase.ops.space;

import static dev.classbase.ops.kernel.Rows.bool;
import static dev.classbase.ops.kernel.Rows.rows;

import dev.classbase.ops.kernel.ClusterJob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/** The SQL of the daily space snapshots (V61's space_history) and of reading growth back. */
final class SpaceHistoryQueries {
    /** The snapshot runner's advisory lock class: "cbsh" in ASCII. */
    static final ClusterJob.Lock RUNNER_LOCK = ClusterJob.Lock.ofClass(0x63627368);

    private SpaceHistoryQueries() {}

    static boolean takenToday(Connection c) throws SQLException {
        return bool(c, "SELECT EXISTS (SELECT 1 FROM space_history WHERE taken_on = current_date)");
    }

    /**
     * Today's sizes of every table (partitions rolled up to their root, as ops/space reports them),
     * index and materialized view; a second snapshot the same day replaces the first.
     */
    static int snapshot(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                WITH rel AS (
                    SELECT c.oid, c.relkind, coalesce(pg_partition_root(c.oid), c.oid) AS root
                    FROM pg_class AS c
                    JOIN pg_namespace AS n ON n.oid = c.relnamespace
                    WHERE c.relkind IN ('r', 'i', 'm')
                      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
                ), sized AS (
                    SELECT r.root, r.relkind,
                           sum(CASE WHEN r.relkind = 'i' THEN pg_relation_size(r.oid)
                                    ELSE pg_total_relation_size(r.oid) END)::bigint AS bytes
                    FROM rel AS r
                    GROUP BY r.root, r.relkind
                )
                INSERT INTO space_history AS h (taken_on, kind, schema_name, name, table_name, bytes)
                SELECT current_date,
                       CASE s.relkind WHEN 'r' THEN 'table' WHEN 'i' THEN 'index' ELSE 'materialized view' END,
                       n.nspname, c.relname, coalesce(t.relname, c.relname), s.bytes
                FROM sized AS s
                JOIN pg_class AS c ON c.oid = s.root
                JOIN pg_namespace AS n ON n.oid = c.relnamespace
                LEFT JOIN pg_index AS x ON x.indexrelid = s.root
                LEFT JOIN pg_class AS t ON t.oid = x.indrelid
                ON CONFLICT (taken_on, kind, schema_name, name) DO UPDATE
                    SET bytes = excluded.bytes, table_name = excluded.table_name
                """)) {
            return ps.executeUpdate();
        }
    }

    /** Deletes up to {@code batch} rows older than the retention. */
    static int deleteOld(Connection c, Duration retention, int batch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                DELETE FROM space_history
                WHERE ctid = ANY (ARRAY(SELECT ctid FROM space_history
                                        WHERE taken_on < current_date - ?::int LIMIT ?))
                """)) {
            ps.setInt(1, (int) retention.toDays());
            ps.setInt(2, batch);
            return ps.executeUpdate();
        }
    }

    /** Per day of the window: bytes of tables, indexes and materialized views. */
    static List<SpaceGrowth.DayTotal> totals(Connection c, int days) throws SQLException {
        return rows(c, SpaceGrowth.DayTotal.class, """
                SELECT taken_on::text AS day,
                       sum(bytes) FILTER (WHERE kind = 'table')::bigint AS table_bytes,
                       sum(bytes) FILTER (WHERE kind = 'index')::bigint AS index_bytes,
                       sum(bytes) FILTER (WHERE kind = 'materialized view')::bigint AS view_bytes,
                       sum(bytes) FILTER (WHERE kind <> 'index')::bigint AS total_bytes
                FROM space_history
                WHERE taken_on > current_date - ?::int
                GROUP BY taken_on
                ORDER BY taken_on
                """, days);
    }

    /**
     * Per relation over the window, fastest growing first: its first and last size and the
     * growth between them (tables include their indexes and TOAST, as pg_total_relation_size).
     */
    static List<SpaceGrowth.Relation> growth(Connection c, int days, int limit) throws SQLException {
        return rows(c, SpaceGrowth.Relation.class, """
                SELECT kind, schema_name AS schema, name, table_name, first_day, last_day, days,
                       first_bytes, last_bytes, last_bytes - first_bytes AS growth_bytes
                FROM (SELECT kind, schema_name, name, max(table_name) AS table_name,
                             min(taken_on)::text AS first_day, max(taken_on)::text AS last_day,
                             count(*)::int AS days,
                             (array_agg(bytes ORDER BY taken_on))[1] AS first_bytes,
                             (array_agg(bytes ORDER BY taken_on DESC))[1] AS last_bytes
                      FROM space_history
                      WHERE taken_on > current_date - ?::int
                      GROUP BY kind, schema_name, name) AS g
                ORDER BY growth_bytes DESC, last_bytes DESC, schema, name
                LIMIT ?
                """, days, limit);
    }
}
