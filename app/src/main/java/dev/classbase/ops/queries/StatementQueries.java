package dev.classbase.ops.queries;

import static dev.classbase.ops.kernel.Rows.rows;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Top statements of this database from one server's pg_stat_statements, one ordering per method
 * (the ORDER BY is never built from input), each row labelled with the server. Top-level
 * statements only unless {@code nested}: a statement run inside a function (track = all) has
 * {@code toplevel} false and its time is also its caller's. Only read, never reset: history is
 * taken as deltas elsewhere.
 */
final class StatementQueries {
    private StatementQueries() {}

    static List<SlowQuery> byTotalTime(Connection c, String server, boolean nested, int limit) throws SQLException {
        return top(c, server, "total", 0, nested, limit);
    }

    static List<SlowQuery> byMeanTime(Connection c, String server, boolean nested, int limit) throws SQLException {
        return top(c, server, "mean", 0, nested, limit);
    }

    static List<SlowQuery> byCalls(Connection c, String server, boolean nested, int limit) throws SQLException {
        return top(c, server, "calls", 0, nested, limit);
    }

    static List<SlowQuery> slowerThan(Connection c, String server, double minMeanMs, boolean nested, int limit)
            throws SQLException {
        return top(c, server, "mean", minMeanMs, nested, limit);
    }

    /** The ordering is a bound value chosen among fixed names by the methods above, never input. */
    private static List<SlowQuery> top(
            Connection c, String server, String order, double minMeanMs, boolean nested, int limit)
            throws SQLException {
        return rows(c, SlowQuery.class, """
                SELECT ?::text AS server, queryid::text AS queryid, toplevel, calls, rows,
                       round(total_exec_time::numeric, 2)::float8 AS total_ms,
                       round(mean_exec_time::numeric, 2)::float8 AS mean_ms,
                       shared_blks_hit, shared_blks_read, left(query, 2000) AS query
                FROM pg_stat_statements
                WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND (toplevel OR ?)
                  AND mean_exec_time >= ?
                ORDER BY CASE ?::text WHEN 'total' THEN total_exec_time
                                      WHEN 'mean' THEN mean_exec_time
                                      ELSE calls::float8 END DESC
                LIMIT ?
                """, server, nested, minMeanMs, order, limit);
    }
}
