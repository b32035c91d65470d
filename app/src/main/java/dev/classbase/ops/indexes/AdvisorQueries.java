package dev.classbase.ops.indexes;

/** The SQL of the index advisor, one statement per method; every value is bound. */
final class AdvisorQueries {
    private AdvisorQueries() {}

    static String statementsInstalled() {
        return "select exists (select 1 from pg_extension where extname = 'pg_stat_statements')";
    }

    /**
     * The heaviest statements of this database by total time that an index could serve (reads,
     * updates and deletes; not the advisor's own EXPLAIN and PREPARE). Bind: limit.
     */
    static String topStatements() {
        return """
            select queryid::text, calls, total_exec_time, query
            from pg_stat_statements
            where dbid = (select oid from pg_database where datname = current_database())
              and query ~* '^\\s*(select|with|update|delete)\\M'
            order by total_exec_time desc
            limit ?
            """;
    }

    /**
     * A table (or materialized view) a statement names, resolved the way the statement's session
     * would (search_path); system schemas are not the advisor's business. Bind: the name as text.
     */
    static String table() {
        return """
            select c.oid, n.nspname, c.relname, c.relkind::text, greatest(c.reltuples, 0)::bigint
            from pg_class as c
            join pg_namespace as n on n.oid = c.relnamespace
            where c.oid = to_regclass(?) and c.relkind in ('r', 'm', 'p')
              and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'
            """;
    }

    /** Bind: the table's oid. */
    static String columns() {
        return "select attname from pg_attribute where attrelid = ? and attnum > 0 and not attisdropped";
    }

    /**
     * Every index of the table, of every method: key columns in order ('' where the key is an
     * expression), predicate and expressions as pg_get_expr prints them. Bind: the table's oid.
     */
    static String indexes() {
        return """
            select i.relname, am.amname, x.indisvalid,
                   array(select coalesce(a.attname::text, '')
                         from unnest((string_to_array(x.indkey::text, ' ')::int[])[1:x.indnkeyatts])
                              with ordinality as k(num, ord)
                         left join pg_attribute as a on a.attrelid = x.indrelid and a.attnum = k.num
                         order by k.ord) as keys,
                   pg_get_expr(x.indpred, x.indrelid) as predicate,
                   pg_get_expr(x.indexprs, x.indrelid) as expressions
            from pg_index as x
            join pg_class as i on i.oid = x.indexrelid
            join pg_am as am on am.oid = i.relam
            where x.indrelid = ?
            order by i.relname
            """;
    }

    /** Whether a relation of that name exists (so a suggested name never collides). Bind: qualified name. */
    static String relationExists() {
        return "select to_regclass(?) is not null";
    }

    /** The prepared statement's parameter count. Bind: its name. */
    static String preparedParameters() {
        return "select cardinality(parameter_types) from pg_prepared_statements where name = ?";
    }

    /** Created here, offered by the server's packages, and the server's major version. */
    static String hypopgPresence() {
        return """
            select exists (select 1 from pg_extension where extname = 'hypopg'),
                   exists (select 1 from pg_available_extensions where name = 'hypopg'),
                   current_setting('server_version_num')::int / 10000
            """;
    }

    /** Asked only when the extension exists (the function must exist to be named). */
    static String hypopgCallable() {
        return "select has_function_privilege('hypopg_create_index(text)', 'execute')";
    }

    /** A hypothetical index, only in this backend's memory. Bind: the CREATE INDEX text. */
    static String hypopgCreate() {
        return "select indexrelid, indexname from hypopg_create_index(?)";
    }

    /** Drops every hypothetical index of this backend (they outlive a rollback). */
    static String hypopgReset() {
        return "select hypopg_reset()";
    }

    /**
     * A column's statistics as the planner reads them for {@code col = $1}: null fraction, distinct
     * values (negative: a fraction of the rows), most common values and their frequencies. Array
     * columns are left out (their values do not read back as one text array). Binds: schema, table,
     * column.
     */
    static String columnStats() {
        return """
            select s.null_frac, s.n_distinct, s.most_common_vals::text::text[], s.most_common_freqs,
                   greatest(c.reltuples, 0)
            from pg_stats as s
            join pg_class as c on c.oid = to_regclass(quote_ident(s.schemaname) || '.' || quote_ident(s.tablename))
            join pg_attribute as a on a.attrelid = c.oid and a.attname = s.attname
            join pg_type as t on t.oid = a.atttypid
            where s.schemaname = ? and s.tablename = ? and s.attname = ? and t.typcategory <> 'A'
            order by s.inherited desc
            limit 1
            """;
    }

    /**
     * The planner's row estimate for a partial index's predicate, so the advisor knows how much of
     * the table it keeps. The predicate is the advisor's own (a column, IS [NOT] NULL or = a literal
     * from the statement), on a table resolved from the catalog.
     */
    static String predicateRows(String qualifiedTable, String predicate) {
        return "EXPLAIN (FORMAT JSON) select from " + qualifiedTable + " where " + predicate;
    }
}
