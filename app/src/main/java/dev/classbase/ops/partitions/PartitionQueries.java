package dev.classbase.ops.partitions;

import dev.classbase.ops.kernel.ClusterJob;

/**
 * The SQL of partition maintenance and status, one statement per method. Values are bound;
 * table names cannot be, so they come from the catalog already quoted ({@code oid::regclass::text})
 * and never from input. What needs the tables' owner goes through V65's SECURITY DEFINER functions,
 * which take plain names and check them against the managed tables.
 */
final class PartitionQueries {
    private PartitionQueries() {}

    /** The job's advisory lock key: "cb-parts" in ASCII, 8 bytes. */
    static final long LOCK_KEY = 0x63622d7061727473L;

    static final ClusterJob.Lock LOCK = ClusterJob.Lock.of(LOCK_KEY);

    /** Session-level, for every DDL of the run (set_config so the value can be bound). */
    static String setLockTimeout() {
        return "select set_config('lock_timeout', ?, false)";
    }

    /**
     * The monthly tables V65's functions manage, with their default partition (null if none) and
     * whether this role owns them (only an owner may DETACH ... CONCURRENTLY, which no function can).
     */
    static String rangeTables() {
        return """
                select c.relname as name,
                       c.oid::regclass::text as qualified,
                       pg_has_role(c.relowner, 'USAGE') as owned,
                       (select d.oid::regclass::text
                          from pg_inherits i join pg_class d on d.oid = i.inhrelid
                         where i.inhparent = c.oid and pg_get_expr(d.relpartbound, d.oid) = 'DEFAULT') as default_partition
                from pg_partitioned_table pt
                join pg_class c on c.oid = pt.partrelid
                join pg_namespace n on n.oid = c.relnamespace
                where pt.partstrat = 'r' and pt.partnatts = 1
                  and n.nspname = current_schema() and not c.relispartition
                  and c.relname = any (classbase_partition_managed_tables())
                order by c.relname
                """;
    }

    /**
     * Whether this role may run maintenance: it can execute V65's functions (the owner and the
     * service role can; null, so false, before V65 is applied).
     */
    static String mayMaintain() {
        return """
                select coalesce(has_function_privilege(
                           to_regprocedure('classbase_partition_ensure(text, date, date)'), 'EXECUTE'), false)
                """;
    }

    /** The session's lock_timeout back to the role's default: the connection returns to a pool. */
    static String resetLockTimeout() {
        return "reset lock_timeout";
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

    /** V65: the UTC months that rows of the table's default partition fall in. Bind: table name. */
    static String defaultMonths() {
        return "select month from classbase_partition_default_months(?) as month order by 1";
    }

    /** V65: rows in the table's default partition (as the owner: row-level security hides them). Bind: table name. */
    static String defaultRows() {
        return "select classbase_partition_default_rows(?)";
    }

    /** For a table V65 does not manage: its default partition's rows as this role sees them. */
    static String countRows(String table) {
        return "select count(*) from " + table;
    }

    /** V65's list of the tables its functions manage. */
    static String managedTables() {
        return "select unnest(classbase_partition_managed_tables())";
    }

    /**
     * V65 around V2's function: creates the missing months of [from, to), moving their rows out of
     * the default partition. Bind: table name, from, to.
     */
    static String ensureMonthlyPartitions() {
        return "select classbase_partition_ensure(?, ?, ?)";
    }

    /**
     * V65: detaches a month (if still attached), then drops it or moves it to the archive schema,
     * in one transaction. Bind: table name, partition name, archive schema (null: drop).
     */
    static String retire() {
        return "select classbase_partition_retire(?, ?, ?)";
    }

    /**
     * As the owner, for a table without a default partition: not allowed in a transaction block
     * (nor in a function), nor when the table has a default partition.
     */
    static String detachConcurrently(String parent, String partition) {
        return "alter table " + parent + " detach partition " + partition + " concurrently";
    }
}
