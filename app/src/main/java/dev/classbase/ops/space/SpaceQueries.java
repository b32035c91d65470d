package dev.classbase.ops.space;

/**
 * The SQL of the space report, one statement per method. Partitions are rolled up to the top of
 * their tree with {@code pg_partition_root}, so a partitioned table is one row.
 */
final class SpaceQueries {
    private SpaceQueries() {}

    /** Tables, biggest first: heap plus TOAST, indexes, total, estimated rows, partition count. */
    static String tableSizes() {
        return """
            with leaf as (
                select coalesce(pg_partition_root(c.oid), c.oid) as root, c.oid, greatest(c.reltuples, 0) as rows
                from pg_class as c
                join pg_namespace as n on n.oid = c.relnamespace
                where c.relkind = 'r'
                  and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'
            )
            select n.nspname as schema, c.relname as "table", sum(pg_table_size(l.oid))::bigint as table_bytes,
                   sum(pg_indexes_size(l.oid))::bigint as index_bytes,
                   sum(pg_total_relation_size(l.oid))::bigint as total_bytes,
                   sum(l.rows)::bigint as estimated_rows, count(*) filter (where l.oid <> l.root) as partitions
            from leaf as l
            join pg_class as c on c.oid = l.root
            join pg_namespace as n on n.oid = c.relnamespace
            group by n.nspname, c.relname
            order by total_bytes desc, n.nspname, c.relname
            """;
    }

    /** Indexes, biggest first; a partitioned index is the sum of its partitions' copies. */
    static String indexSizes() {
        return """
            with leaf as (
                select coalesce(pg_partition_root(i.oid), i.oid) as root, pg_relation_size(i.oid) as bytes
                from pg_class as i
                join pg_namespace as n on n.oid = i.relnamespace
                where i.relkind = 'i'
                  and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'
            )
            select n.nspname as schema, t.relname as "table", i.relname as "index", sum(l.bytes)::bigint as bytes
            from leaf as l
            join pg_index as x on x.indexrelid = l.root
            join pg_class as i on i.oid = l.root
            join pg_class as t on t.oid = x.indrelid
            join pg_namespace as n on n.oid = t.relnamespace
            group by n.nspname, t.relname, i.relname
            order by bytes desc, n.nspname, i.relname
            """;
    }

    static String materializedViewSizes() {
        return """
            select n.nspname as schema, c.relname as "view", pg_total_relation_size(c.oid) as bytes,
                   c.relispopulated as populated
            from pg_class as c
            join pg_namespace as n on n.oid = c.relnamespace
            where c.relkind = 'm'
            order by bytes desc, n.nspname, c.relname
            """;
    }

    /**
     * Per table or partition (vacuum works per partition): live and dead tuples, last manual and
     * automatic vacuum and analyze. Most dead tuples first.
     */
    static String maintenance() {
        return """
            select s.schemaname as schema, s.relname as "table", s.n_live_tup as live_tuples,
                   s.n_dead_tup as dead_tuples, s.last_vacuum, s.last_autovacuum, s.last_analyze, s.last_autoanalyze
            from pg_stat_user_tables as s
            join pg_class as c on c.oid = s.relid and c.relkind in ('r', 'm')
            order by s.n_dead_tup desc, s.schemaname, s.relname
            """;
    }
}
