package dev.classbase.ops.maintenance;

import dev.classbase.ops.kernel.ClusterJob;

/** The SQL of maintenance, one statement per method. */
final class MaintenanceQueries {
    private MaintenanceQueries() {}

    /**
     * The runner lock (session-level, two-int key space): "cbmt" in ASCII, objid 0. Held by every
     * run, whether the CLI, the schedule or the admin API started it: one run per cluster.
     */
    static final int RUNNER_LOCK_CLASS = 0x63626d74;

    static final ClusterJob.Lock RUNNER_LOCK = ClusterJob.Lock.ofClass(RUNNER_LOCK_CLASS);

    /** For this connection: maintenance statements outlast a request's limit; reset when the run ends. */
    static String setStatementTimeout() {
        return "select set_config('statement_timeout', ?, false)";
    }

    static String resetStatementTimeout() {
        return "reset statement_timeout";
    }

    /**
     * Whether the current role may VACUUM, ANALYZE or REINDEX a relation: the MAINTAIN privilege on
     * PostgreSQL 17+ (owners, superusers and pg_maintain hold it), ownership before. {@code %s}: the
     * expression of the relation's oid.
     */
    private static String mayMaintain(String oid, String owner) {
        return ("case when current_setting('server_version_num')::int >= 170000"
                        + " then has_table_privilege(%s, 'MAINTAIN') else pg_has_role(%s, 'USAGE') end")
                .formatted(oid, owner);
    }

    /**
     * Tables, leaf partitions and materialized views whose dead tuples exceed the autovacuum formula
     * (threshold + scale factor × live tuples; live tuples from the statistics, which, unlike
     * reltuples, are current before the first ANALYZE). Partitioned parents hold no rows: VACUUM works
     * on the leaves. Bind: threshold, scale factor.
     */
    static String vacuumCandidates() {
        return """
            select n.nspname, c.relname, s.n_live_tup, s.n_dead_tup,
                   greatest(s.last_vacuum, s.last_autovacuum) as last_vacuum,
                   coalesce(pg_partition_root(c.oid)::text, '') as root, %s as may
            from pg_stat_user_tables as s
            join pg_class as c on c.oid = s.relid
            join pg_namespace as n on n.oid = c.relnamespace
            where c.relkind in ('r', 'm') and c.relpersistence <> 't'
              and s.n_dead_tup > ? + ? * s.n_live_tup
            order by s.n_dead_tup desc, n.nspname, c.relname
            """.formatted(mayMaintain("c.oid", "c.relowner"));
    }

    /**
     * Tables, leaf partitions and materialized views whose rows changed since their last analyze
     * exceed the autovacuum formula. Bind: threshold, scale factor.
     */
    static String analyzeCandidates() {
        return """
            select n.nspname, c.relname, s.n_live_tup, s.n_mod_since_analyze,
                   greatest(s.last_analyze, s.last_autoanalyze) as last_analyze,
                   coalesce(pg_partition_root(c.oid)::text, '') as root, %s as may
            from pg_stat_user_tables as s
            join pg_class as c on c.oid = s.relid
            join pg_namespace as n on n.oid = c.relnamespace
            where c.relkind in ('r', 'm') and c.relpersistence <> 't'
              and s.n_mod_since_analyze > ? + ? * s.n_live_tup
            order by s.n_mod_since_analyze desc, n.nspname, c.relname
            """.formatted(mayMaintain("c.oid", "c.relowner"));
    }

    /**
     * Partitioned tables (tops of their trees) to ANALYZE. Autovacuum never analyzes a partitioned
     * table (manual, "The Autovacuum Daemon": "partitioned tables are not processed by autovacuum"),
     * so the planner's statistics for the parent, used by queries over several partitions, are only
     * ever made by hand. Due when it has rows and was never analyzed, when the tree's changes since its leaves' last
     * analyze exceed the formula over the tree's live tuples, or when autovacuum analyzed a leaf after
     * the parent (the leaf changed enough for autovacuum; the parent's statistics did not follow).
     * ANALYZE of a parent also analyzes every partition. Bind: threshold, scale factor.
     */
    static String partitionedParentCandidates() {
        return """
            with leaf as (
                select pg_partition_root(s.relid) as root, s.relname, s.n_live_tup, s.n_mod_since_analyze,
                       s.last_autoanalyze
                from pg_stat_user_tables as s
                join pg_class as c on c.oid = s.relid
                where c.relispartition and c.relkind = 'r'
            ), tree as (
                select root, sum(n_live_tup)::bigint as live, sum(n_mod_since_analyze)::bigint as changed,
                       max(last_autoanalyze) as leaf_autoanalyzed, count(*) as partitions
                from leaf group by root
            )
            select n.nspname, c.relname, t.live, t.changed, t.partitions, t.leaf_autoanalyzed,
                   c.oid::regclass::text as tree, greatest(pg_stat_get_last_analyze_time(c.oid), pg_stat_get_last_autoanalyze_time(c.oid))
                       as last_analyze,
                   %s as may
            from tree as t
            join pg_class as c on c.oid = t.root
            join pg_namespace as n on n.oid = c.relnamespace
            where c.relkind = 'p'
              and (t.changed > ? + ? * t.live
                   or (t.live > 0 and greatest(pg_stat_get_last_analyze_time(c.oid),
                                               pg_stat_get_last_autoanalyze_time(c.oid)) is null)
                   or t.leaf_autoanalyzed > greatest(pg_stat_get_last_analyze_time(c.oid),
                                                     pg_stat_get_last_autoanalyze_time(c.oid)))
            order by n.nspname, c.relname
            """.formatted(mayMaintain("c.oid", "c.relowner"));
    }

    /** Whether the current role may REINDEX an index (a right on its table). Bind: schema, index. */
    static String mayReindex() {
        return """
            select %s
            from pg_index as x
            join pg_class as i on i.oid = x.indexrelid
            join pg_class as t on t.oid = x.indrelid
            join pg_namespace as n on n.oid = i.relnamespace
            where n.nspname = ? and i.relname = ?
            """.formatted(mayMaintain("t.oid", "t.relowner"));
    }

    /**
     * The maintenance statements. Identifiers cannot be bound: {@code name} is a catalog name quoted
     * by {@link MaintenanceTarget#sqlName()}. SKIP_LOCKED: a table someone holds a conflicting lock on is
     * skipped with a warning rather than waited for.
     */
    static String vacuum(String name) {
        return "vacuum (skip_locked) " + name;
    }

    static String analyze(String name) {
        return "analyze (skip_locked) " + name;
    }

    /** Builds a new copy beside the old one and swaps them: reads and writes go on meanwhile. */
    static String reindex(String name) {
        return "reindex index concurrently " + name;
    }

    // ---- runs ----

    /** Rows a process left 'running' when it died; only called under the runner lock. */
    static String abandonStaleRuns() {
        return """
            update maintenance_runs set outcome = 'abandoned', finished_at = now(),
                   detail = coalesce(detail, 'the process running it ended before it finished')
            where outcome = 'running'
            """;
    }

    /** Bind: task, triggered_by. */
    static String insertRun() {
        return """
            insert into maintenance_runs (task, triggered_by, started_at, outcome)
            values (?, ?, clock_timestamp(), 'running')
            returning id, started_at
            """;
    }

    /** Bind: outcome, processed, failed, skipped, method, detail, id. */
    static String finishRun() {
        return """
            update maintenance_runs
               set finished_at = clock_timestamp(), outcome = ?, processed = ?, failed = ?, skipped = ?,
                   method = ?, detail = ?
             where id = ?
            """;
    }

    /** The run in progress, if a run holds the lock and has recorded it. */
    static String runningRun() {
        return """
            select task, triggered_by, started_at
            from maintenance_runs where outcome = 'running'
            order by started_at desc limit 1
            """;
    }

    /** The last run of each task, and its last success. */
    static String lastRuns() {
        return """
            select t.task, r.triggered_by, r.started_at, r.finished_at, r.outcome, r.processed, r.failed,
                   r.skipped, r.method, r.detail,
                   (select max(s.finished_at) from maintenance_runs as s
                    where s.task = t.task and s.outcome = 'succeeded') as last_success
            from unnest(array['vacuum', 'analyze', 'reindex', 'backup']) as t(task)
            left join lateral (select * from maintenance_runs as m where m.task = t.task
                               order by m.started_at desc limit 1) as r on true
            """;
    }

    /** Bind: how many. */
    static String recentRuns() {
        return """
            select task, triggered_by, started_at, finished_at, outcome, processed, failed, skipped, method, detail
            from maintenance_runs order by started_at desc, id desc limit ?
            """;
    }
}
