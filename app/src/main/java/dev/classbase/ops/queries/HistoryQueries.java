package dev.classbase.ops.queries;

import static dev.classbase.ops.kernel.Rows.bool;
import static dev.classbase.ops.kernel.Rows.rows;

import dev.classbase.ops.kernel.ClusterJob;
import dev.classbase.ops.kernel.JdbcTimestamp;
import dev.classbase.ops.kernel.Rows;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The SQL of query history (V61): taking a snapshot of pg_stat_statements as deltas, pruning, and
 * reading the history back. pg_stat_statements is only read, never reset.
 */
final class HistoryQueries {
    /** The snapshot runner's advisory lock class: "cbqh" in ASCII. */
    static final ClusterJob.Lock RUNNER_LOCK = ClusterJob.Lock.ofClass(0x63627168);

    private HistoryQueries() {}

    /** One snapshot's totals over every statement. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Totals(
            Long snapshotId,
            @JdbcTimestamp OffsetDateTime takenAt,
            String[] servers,
            String[] missed,
            Integer statements,
            Long calls,
            Double totalMs,
            Long rows,
            Long sharedBlksHit,
            Long sharedBlksRead) {}

    /** One statement in one snapshot (zero where it did not run). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Point(
            Long snapshotId,
            @JdbcTimestamp OffsetDateTime takenAt,
            Long calls,
            Double totalMs,
            Double meanMs,
            Long rows,
            Long sharedBlksHit,
            Long sharedBlksRead) {}

    /** A statement of the history: its text, route, and when it was first and last seen. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Statement(
            String queryid,
            String query,
            String route,
            @JdbcTimestamp OffsetDateTime firstSeen,
            @JdbcTimestamp OffsetDateTime lastSeen) {}

    /** Calls and time of one route comment. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Endpoint(
            String endpoint,
            String kind,
            Integer statements,
            Long calls,
            Double totalMs,
            Double meanMs,
            Long rows,
            String[] servers) {}

    /** Due when no snapshot was taken within {@code interval} (by any instance). */
    static boolean due(Connection c, Duration interval) throws SQLException {
        return bool(c, """
                SELECT NOT EXISTS (SELECT 1 FROM query_history_snapshots
                                   WHERE taken_at > now() - make_interval(secs => ?))
                """, interval.toMillis() / 1000.0);
    }

    /**
     * One pg_stat_statements entry of a server: {@code toplevel} false for a statement run inside a
     * function (pg_stat_statements.track = all), whose time is inside its caller's too.
     */
    record Entry(
            long queryid,
            long userid,
            long dbid,
            boolean toplevel,
            long calls,
            double totalExecMs,
            long rows,
            long sharedBlksHit,
            long sharedBlksRead,
            String query) {}

    /** When pg_stat_statements was last reset as a whole on this server (PostgreSQL 14+). */
    static OffsetDateTime statsReset(Connection server) throws SQLException {
        return one(server, "SELECT stats_reset FROM pg_stat_statements_info", OffsetDateTime.class);
    }

    /**
     * The entries of this database on a server, read once (the deltas and the baseline come from
     * this one read), with their text.
     */
    static List<Entry> entries(Connection server) throws SQLException {
        List<Entry> entries = new ArrayList<>();
        try (PreparedStatement ps = server.prepareStatement("""
                        SELECT queryid, userid::bigint, dbid::bigint, toplevel, calls, total_exec_time, rows,
                               shared_blks_hit, shared_blks_read, left(query, 4000)
                        FROM pg_stat_statements(true)
                        WHERE queryid IS NOT NULL
                          AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                        """);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                entries.add(new Entry(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getLong(3),
                        rs.getBoolean(4),
                        rs.getLong(5),
                        rs.getDouble(6),
                        rs.getLong(7),
                        rs.getLong(8),
                        rs.getLong(9),
                        rs.getString(10)));
            }
        }
        return entries;
    }

    /** Whether the history has read this server before: its first reading is a baseline only. */
    static boolean readBefore(Connection c, String server) throws SQLException {
        return bool(c, "SELECT EXISTS (SELECT 1 FROM query_history_resets WHERE server = ?)", server);
    }

    static OffsetDateTime lastStatsReset(Connection c, String server) throws SQLException {
        return one(c, "SELECT stats_reset FROM query_history_resets WHERE server = ?", OffsetDateTime.class, server);
    }

    static void saveStatsReset(Connection c, String server, OffsetDateTime statsReset) throws SQLException {
        update(c, """
                INSERT INTO query_history_resets (server, stats_reset) VALUES (?, ?)
                ON CONFLICT (server) DO UPDATE SET stats_reset = excluded.stats_reset
                """, server, statsReset);
    }

    static long insertSnapshot(Connection c) throws SQLException {
        return one(c, "INSERT INTO query_history_snapshots (statements) VALUES (0) RETURNING id", Long.class);
    }

    /**
     * One server's entries against its baseline, in one statement: the deltas go into the snapshot,
     * and the baseline becomes the entries (entries gone from pg_stat_statements leave it; if they
     * come back, they count from zero). A restart of an entry's counters (a counter went down, a new
     * entry, or {@code restarted}: pg_stat_statements was reset as a whole) takes the new value as
     * the delta. Data-modifying CTEs all see the baseline as it was before the statement, and the
     * delete and the upsert touch disjoint rows. {@code baselineOnly}: the server's first reading,
     * whose counters ran since it started, before any window: the baseline is taken, no delta
     * recorded. Returns the statements recorded.
     */
    static int recordDeltas(
            Connection c, long snapshotId, String server, boolean restarted, boolean baselineOnly, List<Entry> entries)
            throws SQLException {
        return one(
                c,
                """
                WITH cur AS MATERIALIZED (
                    SELECT queryid, userid::oid AS userid, dbid::oid AS dbid, toplevel, calls, total_exec_ms, rows,
                           shared_blks_hit, shared_blks_read
                    FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::boolean[], ?::bigint[], ?::float8[],
                                ?::bigint[], ?::bigint[], ?::bigint[])
                         AS u(queryid, userid, dbid, toplevel, calls, total_exec_ms, rows, shared_blks_hit,
                              shared_blks_read)
                ), delta AS (
                    SELECT c.*, b.calls AS b_calls, b.total_exec_ms AS b_total, b.rows AS b_rows,
                           b.shared_blks_hit AS b_hit, b.shared_blks_read AS b_read,
                           (?::boolean OR b.queryid IS NULL OR c.calls < b.calls
                                       OR c.total_exec_ms < b.total_exec_ms) AS restarted
                    FROM cur AS c
                    LEFT JOIN query_history_baseline AS b
                           ON (b.server, b.queryid, b.userid, b.dbid, b.toplevel)
                            = (?, c.queryid, c.userid, c.dbid, c.toplevel)
                ), ins AS (
                    INSERT INTO query_history (snapshot_id, server, queryid, userid, dbid, toplevel, calls,
                                               total_exec_ms, rows, shared_blks_hit, shared_blks_read)
                    SELECT ?, ?, queryid, userid, dbid, toplevel,
                           CASE WHEN restarted THEN calls ELSE calls - b_calls END,
                           CASE WHEN restarted THEN total_exec_ms ELSE total_exec_ms - b_total END,
                           CASE WHEN restarted THEN rows ELSE greatest(rows - b_rows, 0) END,
                           CASE WHEN restarted THEN shared_blks_hit ELSE greatest(shared_blks_hit - b_hit, 0) END,
                           CASE WHEN restarted THEN shared_blks_read ELSE greatest(shared_blks_read - b_read, 0) END
                    FROM delta
                    WHERE NOT ?::boolean AND CASE WHEN restarted THEN calls ELSE calls - b_calls END > 0
                    RETURNING 1
                ), gone AS (
                    DELETE FROM query_history_baseline AS b
                    WHERE b.server = ?
                      AND NOT EXISTS (SELECT 1 FROM cur AS c
                                      WHERE (c.queryid, c.userid, c.dbid, c.toplevel)
                                          = (b.queryid, b.userid, b.dbid, b.toplevel))
                ), base AS (
                    INSERT INTO query_history_baseline AS b (server, queryid, userid, dbid, toplevel, calls,
                                                             total_exec_ms, rows, shared_blks_hit, shared_blks_read)
                    SELECT ?, queryid, userid, dbid, toplevel, calls, total_exec_ms, rows, shared_blks_hit,
                           shared_blks_read
                    FROM cur
                    ON CONFLICT (server, queryid, userid, dbid, toplevel) DO UPDATE
                        SET calls = excluded.calls, total_exec_ms = excluded.total_exec_ms, rows = excluded.rows,
                            shared_blks_hit = excluded.shared_blks_hit, shared_blks_read = excluded.shared_blks_read
                )
                SELECT count(*)::int FROM ins
                """,
                Integer.class,
                array(c, "int8", entries, Entry::queryid),
                array(c, "int8", entries, Entry::userid),
                array(c, "int8", entries, Entry::dbid),
                array(c, "bool", entries, Entry::toplevel),
                array(c, "int8", entries, Entry::calls),
                array(c, "float8", entries, Entry::totalExecMs),
                array(c, "int8", entries, Entry::rows),
                array(c, "int8", entries, Entry::sharedBlksHit),
                array(c, "int8", entries, Entry::sharedBlksRead),
                restarted,
                server,
                snapshotId,
                server,
                baselineOnly,
                server,
                server);
    }

    /**
     * The text of the statements this snapshot recorded for the server, once per statement (the text
     * of its first execution, with the data tier's leading comment when it had one), and when each
     * was last seen. The comment is {@code /* <kind>:<name> *&#47; } (RouteComment, QueryScope:
     * {@code route:GET /api/v1/...}, {@code job:...}); other leading comments (extension scripts)
     * are not routes. The first quantifier is non-greedy, so the whole expression is (PostgreSQL's
     * rule), and the match stops at the first close.
     */
    static void recordStatements(Connection c, long snapshotId, String server, List<Entry> entries)
            throws SQLException {
        update(
                c,
                """
                INSERT INTO query_history_statements AS t (server, queryid, userid, dbid, query, route)
                SELECT DISTINCT ON (u.queryid, u.userid, u.dbid)
                       ?, u.queryid, u.userid::oid, u.dbid::oid, u.query,
                       substring(u.query FROM '^/\\* ([a-z]+?:.*?) \\*/')
                FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::text[]) AS u(queryid, userid, dbid, query)
                JOIN query_history AS h
                  ON (h.snapshot_id, h.server, h.queryid, h.userid, h.dbid)
                   = (?, ?, u.queryid, u.userid::oid, u.dbid::oid)
                WHERE u.query IS NOT NULL
                ORDER BY u.queryid, u.userid, u.dbid
                ON CONFLICT (server, queryid, userid, dbid) DO UPDATE SET last_seen = now()
                """,
                server,
                array(c, "int8", entries, Entry::queryid),
                array(c, "int8", entries, Entry::userid),
                array(c, "int8", entries, Entry::dbid),
                array(c, "text", entries, Entry::query),
                snapshotId,
                server);
    }

    static void finishSnapshot(
            Connection c, long snapshotId, int statements, List<String> servers, List<String> missed, long tookMs)
            throws SQLException {
        update(
                c,
                "UPDATE query_history_snapshots SET statements = ?, servers = ?, missed = ?, took_ms = ? WHERE id = ?",
                statements,
                c.createArrayOf("text", servers.toArray()),
                c.createArrayOf("text", missed.toArray()),
                (int) Math.min(Integer.MAX_VALUE, tookMs),
                snapshotId);
    }

    private static Array array(Connection c, String type, List<Entry> entries, Function<Entry, Object> field)
            throws SQLException {
        Object[] values = new Object[entries.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = field.apply(entries.get(i));
        }
        return c.createArrayOf(type, values);
    }

    /** Deletes up to {@code batch} snapshots older than the retention (their rows cascade). */
    static int deleteOldSnapshots(Connection c, Duration retention, int batch) throws SQLException {
        return update(c, """
                DELETE FROM query_history_snapshots
                WHERE id IN (SELECT id FROM query_history_snapshots
                             WHERE taken_at < now() - make_interval(secs => ?)
                             ORDER BY id LIMIT ?)
                """, (double) retention.toSeconds(), batch);
    }

    static int deleteOldStatements(Connection c, Duration retention, int batch) throws SQLException {
        return update(c, """
                DELETE FROM query_history_statements
                WHERE ctid = ANY (ARRAY(SELECT ctid FROM query_history_statements
                                        WHERE last_seen < now() - make_interval(secs => ?) LIMIT ?))
                """, (double) retention.toSeconds(), batch);
    }

    /**
     * Per snapshot in the window, oldest first: totals over every top-level statement (a nested
     * one's time is inside its caller's already).
     */
    static List<Totals> totals(Connection c, int hours) throws SQLException {
        return rows(c, Totals.class, """
                SELECT s.id AS snapshot_id, s.taken_at, s.servers, s.missed, count(h.queryid)::int AS statements,
                       coalesce(sum(h.calls), 0)::bigint AS calls,
                       round(coalesce(sum(h.total_exec_ms), 0)::numeric, 2)::float8 AS total_ms,
                       coalesce(sum(h.rows), 0)::bigint AS rows,
                       coalesce(sum(h.shared_blks_hit), 0)::bigint AS shared_blks_hit,
                       coalesce(sum(h.shared_blks_read), 0)::bigint AS shared_blks_read
                FROM query_history_snapshots AS s
                LEFT JOIN query_history AS h ON h.snapshot_id = s.id AND h.toplevel
                WHERE s.taken_at >= now() - make_interval(hours => ?)
                GROUP BY s.id
                ORDER BY s.taken_at, s.id
                """, hours);
    }

    /** One statement's series: every snapshot of the window, zero where it did not run. */
    static List<Point> series(Connection c, long queryid, int hours) throws SQLException {
        return rows(c, Point.class, """
                SELECT s.id AS snapshot_id, s.taken_at, coalesce(sum(h.calls), 0)::bigint AS calls,
                       round(coalesce(sum(h.total_exec_ms), 0)::numeric, 2)::float8 AS total_ms,
                       round((sum(h.total_exec_ms) / nullif(sum(h.calls), 0))::numeric, 3)::float8 AS mean_ms,
                       coalesce(sum(h.rows), 0)::bigint AS rows,
                       coalesce(sum(h.shared_blks_hit), 0)::bigint AS shared_blks_hit,
                       coalesce(sum(h.shared_blks_read), 0)::bigint AS shared_blks_read
                FROM query_history_snapshots AS s
                LEFT JOIN query_history AS h ON h.snapshot_id = s.id AND h.queryid = ?
                WHERE s.taken_at >= now() - make_interval(hours => ?)
                GROUP BY s.id
                ORDER BY s.taken_at, s.id
                """, queryid, hours);
    }

    static Optional<Statement> statement(Connection c, long queryid) throws SQLException {
        return Rows.first(c, Statement.class, """
                SELECT queryid::text AS queryid, query, route, first_seen, last_seen
                FROM query_history_statements WHERE queryid = ?
                ORDER BY first_seen LIMIT 1
                """, queryid);
    }

    /**
     * A window of the history: what ran after the snapshot {@code fromSnapshot} up to the snapshot
     * {@code toSnapshot}. Two snapshots make a window: counters only say what grew between two
     * readings.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Window(
            long fromSnapshot,
            long toSnapshot,
            @JdbcTimestamp OffsetDateTime fromTakenAt,
            @JdbcTimestamp OffsetDateTime toTakenAt) {}

    /** The window between two snapshots the caller names, if both exist. */
    static Optional<Window> window(Connection c, long from, long to) throws SQLException {
        return Rows.first(c, Window.class, """
                SELECT a.id AS from_snapshot, b.id AS to_snapshot, a.taken_at AS from_taken_at,
                       b.taken_at AS to_taken_at
                FROM query_history_snapshots AS a, query_history_snapshots AS b
                WHERE a.id = ? AND b.id = ?
                """, from, to);
    }

    /**
     * The last {@code hours}: from the latest snapshot taken at or before its start (the earliest
     * snapshot when the history is younger) to the latest snapshot; none with fewer than two.
     */
    static Optional<Window> lastHours(Connection c, int hours) throws SQLException {
        return Rows.first(c, Window.class, """
                WITH last AS (
                    SELECT id, taken_at FROM query_history_snapshots ORDER BY id DESC LIMIT 1
                ), start AS (
                    SELECT id, taken_at FROM (
                        (SELECT id, taken_at FROM query_history_snapshots
                         WHERE taken_at <= now() - make_interval(hours => ?) ORDER BY id DESC LIMIT 1)
                        UNION ALL
                        (SELECT id, taken_at FROM query_history_snapshots ORDER BY id LIMIT 1)) AS candidates
                    ORDER BY id DESC LIMIT 1
                )
                SELECT start.id AS from_snapshot, last.id AS to_snapshot, start.taken_at AS from_taken_at,
                       last.taken_at AS to_taken_at
                FROM start, last
                WHERE start.id < last.id
                """, hours);
    }

    /**
     * The window's statements of every server, one ordering per call as StatementQueries does (the
     * ordering a bound value among fixed names, never input); top-level ones only unless {@code
     * nested}.
     */
    static List<SlowQuery> top(Connection c, Window window, String order, double minMeanMs, boolean nested, int limit)
            throws SQLException {
        return rows(
                c, SlowQuery.class, """
                SELECT h.server, h.queryid::text AS queryid, h.toplevel, sum(h.calls)::bigint AS calls,
                       sum(h.rows)::bigint AS rows,
                       round(sum(h.total_exec_ms)::numeric, 2)::float8 AS total_ms,
                       round((sum(h.total_exec_ms) / nullif(sum(h.calls), 0))::numeric, 2)::float8 AS mean_ms,
                       sum(h.shared_blks_hit)::bigint AS shared_blks_hit,
                       sum(h.shared_blks_read)::bigint AS shared_blks_read, left(min(t.query), 2000) AS query
                FROM query_history AS h
                LEFT JOIN query_history_statements AS t USING (server, queryid, userid, dbid)
                WHERE h.snapshot_id > ? AND h.snapshot_id <= ? AND (h.toplevel OR ?)
                GROUP BY h.server, h.queryid, h.toplevel
                HAVING sum(h.total_exec_ms) / nullif(sum(h.calls), 0) >= ?
                ORDER BY CASE ?::text WHEN 'total' THEN sum(h.total_exec_ms)
                                      WHEN 'mean' THEN sum(h.total_exec_ms) / nullif(sum(h.calls), 0)
                                      ELSE sum(h.calls)::float8 END DESC NULLS LAST, h.server, h.queryid
                LIMIT ?
                """, window.fromSnapshot(), window.toSnapshot(), nested, minMeanMs, order, limit);
    }

    /**
     * Calls and time per comment name over the window, every server's top-level statements (a
     * nested statement's time is inside its caller's). {@code kind} is the name's prefix: {@code
     * route} for an endpoint; {@code data} for the data tier's own statements that every route runs
     * (the tenant binding, the commit's WAL-position probe), which no route is credited with;
     * {@code request} for statements before routing (authentication); {@code job}, {@code command};
     * {@code unattributed} without a comment. pg_stat_statements' queryid ignores comments and its
     * entry keeps the first execution's text, so a statement that several routes run is credited to
     * the route that ran it first.
     */
    static List<Endpoint> endpoints(Connection c, Window window, int limit) throws SQLException {
        return rows(c, Endpoint.class, """
                SELECT coalesce(t.route, 'unattributed') AS endpoint,
                       coalesce(split_part(t.route, ':', 1), 'unattributed') AS kind,
                       count(DISTINCT (h.server, h.queryid))::int AS statements, sum(h.calls)::bigint AS calls,
                       round(sum(h.total_exec_ms)::numeric, 2)::float8 AS total_ms,
                       round((sum(h.total_exec_ms) / nullif(sum(h.calls), 0))::numeric, 3)::float8 AS mean_ms,
                       sum(h.rows)::bigint AS rows, array_agg(DISTINCT h.server ORDER BY h.server) AS servers
                FROM query_history AS h
                LEFT JOIN query_history_statements AS t USING (server, queryid, userid, dbid)
                WHERE h.snapshot_id > ? AND h.snapshot_id <= ? AND h.toplevel
                GROUP BY 1, 2
                ORDER BY total_ms DESC, endpoint
                LIMIT ?
                """, window.fromSnapshot(), window.toSnapshot(), limit);
    }

    /** The same from pg_stat_statements' counters since its last reset, before any snapshot exists. */
    static List<Endpoint> endpointsLive(Connection c, int limit) throws SQLException {
        return rows(c, Endpoint.class, """
                SELECT coalesce(route, 'unattributed') AS endpoint, coalesce(split_part(route, ':', 1),
                       'unattributed') AS kind, count(DISTINCT queryid)::int AS statements,
                       sum(calls)::bigint AS calls, round(sum(total_exec_time)::numeric, 2)::float8 AS total_ms,
                       round((sum(total_exec_time) / nullif(sum(calls), 0))::numeric, 3)::float8 AS mean_ms,
                       sum(rows)::bigint AS rows, ARRAY['primary'] AS servers
                FROM (SELECT *, substring(query FROM '^/\\* ([a-z]+?:.*?) \\*/') AS route
                      FROM pg_stat_statements
                      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                        AND toplevel) AS s
                GROUP BY 1, 2
                ORDER BY total_ms DESC, endpoint
                LIMIT ?
                """, limit);
    }

    private static <T> T one(Connection c, String sql, Class<T> type, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getObject(1, type) : null;
        }
    }

    private static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params)) {
            return ps.executeUpdate();
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
        return ps;
    }
}
