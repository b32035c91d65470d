package dev.classbase.ops.views;

import dev.classbase.ops.kernel.ClusterJob;

/** The SQL of the view refresher, one statement per method. */
final class ViewQueries {
    private ViewQueries() {}

    /**
     * The runner lock (session-level, two-int key space): "cbvr" in ASCII, objid 0. The per-view
     * locks are taken inside V41's function, under "cbvv".
     */
    static final ClusterJob.Lock RUNNER_LOCK = ClusterJob.Lock.ofClass(0x63627672);

    /** V41: per-view lock, concurrent when populated, bookkeeping. Bind: view name, wait. */
    static String refresh() {
        return """
            select r_outcome, r_concurrently, r_duration_ms, r_detail
            from classbase_refresh_materialized_view(?, ?)
            """;
    }

    /** The last refresh of each view that has one. */
    static String refreshes() {
        return """
            select view_name, refreshed_at, duration_ms, last_outcome, last_error
            from materialized_view_refreshes
            """;
    }

    /** Catalog facts per view name in the bound array (reltuples is -1 before the first ANALYZE). */
    static String catalog() {
        return """
            select c.relname, c.relispopulated, greatest(c.reltuples, 0)::bigint as estimated_rows,
                   pg_total_relation_size(c.oid) as bytes
            from pg_class as c
            where c.relkind = 'm'
              and c.relnamespace = current_schema()::regnamespace
              and c.relname = any (?)
            """;
    }
}
