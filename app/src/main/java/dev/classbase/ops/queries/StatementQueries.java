package dev.classbase.ops.queries;

import static dev.classbase.ops.kernel.Rows.rows;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Top statements of this database from pg_stat_statements, one ordering per method (the ORDER BY is
 * never built from input). Only read, never reset: history is taken as deltas elsewhere.
 */
final class StatementQueries {
    private StatementQueries() {}

    static List<SlowQuery> byTotalTime(Connection c, int limit) throws SQLException {
        return top(c, "total", 0, limit);
    }

    static List<SlowQuery> byMeanTime(Connection c, int limit) throws SQLException {
        return top(c, "mean", 0, limit);
    }

    static List<SlowQuery> byCalls(Connection c, int limit) throws SQLException {
        return top(c, "calls", 0, limit);
    }

    static List<SlowQuery> slowerThan(Connection c, double minMeanMs, int limit) throws SQLException {
        return top(c, "mean", minMeanMs, limit);
    }

    /** The ordering is a bound value chosen among fixed names by the methods above, never input. */
    private static List<SlowQuery> top(Connection c, String order, double minMeanMs, int limit) throws SQLException {
        return rows(c, SlowQuery.class, """
                SELECT queryid::text AS queryid, calls, rows,
                       round(total_exec_time::numeric, 2)::float8 AS total_ms,
                       round(mean_exec_time::numeric, 2)::float8 AS mean_ms,
                       shared_blks_hit, shared_blks_read, left(query, 2000) AS query
                FROM pg_stat_statements
                WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND mean_exec_time >= ?
                ORDER BY CASE ?::text WHEN 'total' THEN total_exec_time
                                      WHEN 'mean' THEN mean_exec_time
                                      ELSE calls::float8 END DESC
                LIMIT ?
                """, minMeanMs, order, limit);
    }
}
