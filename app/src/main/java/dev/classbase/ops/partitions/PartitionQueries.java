package dev.classbase.ops.partitions;

/**
 * The SQL of partition maintenance and status, one statement per method. Values are bound;
 * table and column names cannot be, so they come from the catalog already quoted
 * ({@code oid::regclass::text}, {@code quote_ident}) and never from input.
 */
final class PartitionQueries {
    private PartitionQueries() {}

    /** pg_try_advisory_lock key of the job: "cb-parts" in ASCII, 8 bytes. */
    static final long LOCK_KEY = 0x63622d7061727473L;

    static String inRecovery() {
        return "select pg_is_in_recovery()";
    }

    static String tryLock() {
        return "select pg_try_advisory_lock(?)";
    }

    static String unlock() {
        return "select pg_advisory_unlock(?)";
    }

    /** Session-level, for every DDL of the run (set_config so the value can be bound). */
    static String setLockTimeout() {
        return "select set_config('lock_timeout', ?, false)";
    }

    static String setLocalStatementTimeout() {
        return "select set_config('statement_timeout', ?, true)";
    }

    /**
     * The monthly tables: range-partitioned on one timestamptz column, in the current schema,
     * with their default partition (null if none) and whether this role may alter them.
     */
    static String rangeTables() {
        return """
                select c.relname as name,
                       c.oid::regclass::text as qualified,
                       quote_ident(a.attname) as key_column,
                       pg_has_role(c.relowner, 'USAGE') as owned,
                       (select d.oid::regclass::text
                          from pg_inherits i join pg_class d on d.oid = i.inhrelid
                         where i.inhparent = c.oid and pg_get_expr(d.relpartbound, d.oid) = 'DEFAULT') as default_partition
                from pg_partitioned_table pt
                join pg_class c on c.oid = pt.partrelid
                join pg_namespace n on n.oid = c.relnamespace
                join pg_attribute a on a.attrelid = c.oid and a.attnum = pt.partattrs[0]
                where pt.partstrat = 'r' and pt.partnatts = 1 and a.atttypid = 'timestamptz'::regtype
                  and n.nspname = current_schema() and not c.relispartition
                order by c.relname
                """;
    }

    /**
     * Every partition of every partitioned table of the current schema, range ones with their
     * bounds as timestamps (null for DEFAULT and hash partitions), size and the planner's row estimate.
     */
    static String partitions() {
        return """
                select p.relname as parent,
                       case pt.partstrat when 'r' then 'range' when 'h' then 'hash' else 'list' end as strategy,
                       c.relname as name,
                       c.oid::regclass::text as qualified,
                       pg_get_expr(c.relpartbound, c.oid) as bound,
                       case when pt.partstrat = 'r' and pg_get_expr(c.relpartbound, c.oid) ~ '^FOR VALUES FROM \\(''[^'']*''\\) TO \\(''[^'']*''\\)$'
                            then (regexp_match(pg_get_expr(c.relpartbound, c.oid), '^FOR VALUES FROM \\(''([^'']*)''\\)'))[1]::timestamptz end as range_from,
                       case when pt.partstrat = 'r' and pg_get_expr(c.relpartbound, c.oid) ~ '^FOR VALUES FROM \\(''[^'']*''\\) TO \\(''[^'']*''\\)$'
                            then (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']*)''\\)$'))[1]::timestamptz end as range_to,
                       pg_total_relation_size(c.oid) as bytes,
                       case when c.reltuples < 0 then null else c.reltuples::bigint end as estimated_rows
                from pg_partitioned_table pt
                join pg_class p on p.oid = pt.partrelid
                join pg_namespace n on n.oid = p.relnamespace
                join pg_inherits i on i.inhparent = p.oid
                join pg_class c on c.oid = i.inhrelid
                where n.nspname = current_schema() and not p.relispartition
                order by p.relname, range_from nulls first, c.relname
                """;
    }

    /**
     * Tables named like a month of {@code parent} that are no longer partitions: what an earlier
     * run left between its DETACH and its DROP / SET SCHEMA. Bind: the parent's name.
     */
    static String detachedLeftovers() {
        return """
                select c.relname as name, c.oid::regclass::text as qualified
                from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = current_schema() and c.relkind = 'r' and not c.relispartition
                  and c.relname ~ ('^' || ? || '_p[0-9]{6}$')
                order by c.relname
                """;
    }

    /** The UTC months that rows of a default partition fall in. */
    static String defaultMonths(String defaultPartition, String keyColumn) {
        return """
                select distinct (date_trunc('month', %s, 'UTC') at time zone 'UTC')::date as month
                from %s order by 1
                """.formatted(keyColumn, defaultPartition);
    }

    static String countRows(String table) {
        return "select count(*) from " + table;
    }

    /** V2's function: creates the missing months of [from, to), moving their rows out of the default. */
    static String ensureMonthlyPartitions() {
        return "select classbase_ensure_monthly_partitions(?::regclass, ?, ?)";
    }

    /** Not allowed in a transaction block, nor when the table has a default partition. */
    static String detachConcurrently(String parent, String partition) {
        return "alter table " + parent + " detach partition " + partition + " concurrently";
    }

    static String detach(String parent, String partition) {
        return "alter table " + parent + " detach partition " + partition;
    }

    static String drop(String table) {
        return "drop table " + table;
    }

    static String setSchema(String table, String schema) {
        return "alter table " + table + " set schema " + quoteIdent(schema);
    }

    /** For the archive schema, a validated lower-case identifier (PartitionProperties). */
    private static String quoteIdent(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
