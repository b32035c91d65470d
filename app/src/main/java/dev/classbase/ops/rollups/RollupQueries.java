package dev.classbase.ops.rollups;

/** The SQL of the rollups, one statement per method; the work itself is V50's function. */
final class RollupQueries {
    private RollupQueries() {}

    /** V50: no-op on a replica, one runner per cluster, rebuild or drain. Bind: full. */
    static String run() {
        return """
            select r_outcome, r_rows, r_pairs, r_duration_ms, r_detail
            from classbase_run_rollups(?)
            """;
    }

    /** The watermark and the last run, with what is waiting in the inbox (the owner sees all tenants). */
    static String status() {
        return """
            select s.initialized, s.last_seq, s.last_run_at, s.last_rows, s.last_pairs, s.last_duration_ms,
                   s.last_full_at, p.pending_rows, p.oldest_day, p.newest_day,
                   (select count(*) from rollup_daily_activity) as rollup_days
            from rollup_state as s
            cross join (select count(*) as pending_rows, min(day) as oldest_day, max(day) as newest_day
                        from rollup_inbox) as p
            where s.name = 'daily_activity'
            """;
    }
}
