package dev.classbase.ops.indexes;

/**
 * The SQL of the index audit, one statement per method. Every statement looks at the current
 * database's user schemas and names a partitioned table's index once: partitions' copies are
 * rolled up to the top of their tree with {@code pg_partition_root}.
 */
final class IndexQueries {
    private IndexQueries() {}

    /** Installed, and this role may call it (pg_stat_scan_tables since PostgreSQL 14). */
    static String pgstattupleUsable() {
        return """
            select case when exists (select 1 from pg_extension where extname = 'pgstattuple')
                        then has_function_privilege('pgstatindex(regclass)', 'execute') else false end
            """;
    }

    /**
     * Never scanned since statistics were reset, at least the bound size in bytes, enforcing nothing
     * (not unique, not primary, backing no constraint). A partitioned index counts the scans and bytes
     * of all its partitions. Scans on replicas are not counted here: an index that only serves replica
     * reads looks unused on the primary.
     */
    static String unusedIndexes() {
        return """
            with leaf as (
                select coalesce(pg_partition_root(x.indexrelid), x.indexrelid) as root,
                       coalesce(s.idx_scan, 0) as scans, pg_relation_size(x.indexrelid) as bytes
                from pg_index as x
                join pg_class as i on i.oid = x.indexrelid and i.relkind = 'i'
                left join pg_stat_user_indexes as s on s.indexrelid = x.indexrelid
            ), rolled as (
                select root, sum(scans) as scans, sum(bytes) as bytes from leaf group by root
            )
            select n.nspname, t.relname as table_name, i.relname as index_name, r.bytes, r.scans
            from rolled as r
            join pg_index as x on x.indexrelid = r.root
            join pg_class as i on i.oid = x.indexrelid
            join pg_class as t on t.oid = x.indrelid
            join pg_namespace as n on n.oid = t.relnamespace
            where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'
              and x.indisvalid and not x.indisunique and not x.indisprimary
              and not exists (select 1 from pg_constraint as c where c.conindid = x.indexrelid)
              and r.scans = 0 and r.bytes >= ?
            order by r.bytes desc, n.nspname, i.relname
            """;
    }

    /**
     * Indexes another index of the same table makes redundant: same access method, same predicate,
     * same expressions, and either the same columns and operator classes (any method; the one
     * enforcing less, or the newer, is reported) or, for btree only, key columns that are a leading
     * prefix of the other's (a unique or INCLUDE-carrying index is never reported as a prefix). A GIN
     * and a btree on the same column answer different questions and are never compared.
     */
    static String redundantIndexes() {
        return """
            with idx as (
                select x.indexrelid, x.indrelid, i.relam, x.indnkeyatts, x.indnatts, x.indisunique,
                       string_to_array(x.indkey::text, ' ')::int[] as cols,
                       string_to_array(x.indclass::text, ' ')::oid[] as classes,
                       coalesce(pg_get_expr(x.indexprs, x.indrelid), '') as exprs,
                       coalesce(pg_get_expr(x.indpred, x.indrelid), '') as pred,
                       case when x.indisprimary then 3
                            when exists (select 1 from pg_constraint as c where c.conindid = x.indexrelid) then 2
                            when x.indisunique then 1 else 0 end as rank
                from pg_index as x
                join pg_class as i on i.oid = x.indexrelid
                join pg_class as t on t.oid = x.indrelid
                join pg_namespace as n on n.oid = t.relnamespace
                where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'
                  and not i.relispartition and x.indisvalid
            )
            select distinct on (a.indexrelid)
                   n.nspname, t.relname as table_name, ia.relname as index_name, ib.relname as covered_by,
                   am.amname, a.cols = b.cols as exact, pg_relation_size(a.indexrelid) as bytes,
                   pg_get_indexdef(a.indexrelid) as index_def, pg_get_indexdef(b.indexrelid) as covered_by_def
            from idx as a
            join idx as b on b.indrelid = a.indrelid and b.indexrelid <> a.indexrelid
                         and b.relam = a.relam and b.pred = a.pred and b.exprs = a.exprs
            join pg_am as am on am.oid = a.relam
            join pg_class as ia on ia.oid = a.indexrelid
            join pg_class as ib on ib.oid = b.indexrelid
            join pg_class as t on t.oid = a.indrelid
            join pg_namespace as n on n.oid = t.relnamespace
            where (a.cols = b.cols and a.classes = b.classes and a.indnkeyatts = b.indnkeyatts
                   and (a.rank < b.rank or (a.rank = b.rank and a.indexrelid > b.indexrelid)))
               or (am.amname = 'btree' and a.rank = 0 and a.indnatts = a.indnkeyatts
                   and a.indnkeyatts < b.indnkeyatts
                   and a.cols = b.cols[1:a.indnkeyatts] and a.classes = b.classes[1:a.indnkeyatts])
            order by a.indexrelid, (a.cols = b.cols) desc, b.indexrelid
            """;
    }

    /**
     * Indexes the planner ignores because a build failed (a CREATE INDEX CONCURRENTLY that broke
     * off) or a partitioned index misses a partition; a partition's copy is named only when its
     * parent is valid.
     */
    static String invalidIndexes() {
        return """
            select n.nspname, t.relname as table_name, i.relname as index_name,
                   pg_relation_size(x.indexrelid) as bytes, pg_get_indexdef(x.indexrelid) as index_def
            from pg_index as x
            join pg_class as i on i.oid = x.indexrelid
            join pg_class as t on t.oid = x.indrelid
            join pg_namespace as n on n.oid = t.relnamespace
            where not x.indisvalid
              and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'
              and not exists (select 1 from pg_inherits as h join pg_index as p on p.indexrelid = h.inhparent
                              where h.inhrelid = x.indexrelid and not p.indisvalid)
            order by n.nspname, t.relname, i.relname
            """;
    }

    /**
     * Tables (partitions rolled up to their parent) of at least the bound live rows where fewer than
     * 95 % of scans used an index: PgHero's "index usage" rule. Bind: minimum rows.
     */
    static String missingIndexCandidates() {
        return """
            with leaf as (
                select coalesce(pg_partition_root(s.relid), s.relid) as root,
                       coalesce(s.seq_scan, 0) as seq_scan, coalesce(s.seq_tup_read, 0) as seq_tup_read,
                       coalesce(s.idx_scan, 0) as idx_scan, s.n_live_tup
                from pg_stat_user_tables as s
                join pg_class as c on c.oid = s.relid and c.relkind = 'r'
            ), rolled as (
                select root, sum(seq_scan) as seq_scan, sum(seq_tup_read) as seq_tup_read,
                       sum(idx_scan) as idx_scan, sum(n_live_tup) as live_rows
                from leaf group by root
            )
            select n.nspname, c.relname as table_name, r.live_rows, r.seq_scan, r.seq_tup_read, r.idx_scan,
                   round(100.0 * r.idx_scan / nullif(r.seq_scan + r.idx_scan, 0), 1) as index_use_pct
            from rolled as r
            join pg_class as c on c.oid = r.root
            join pg_namespace as n on n.oid = c.relnamespace
            where r.live_rows >= ? and r.seq_scan > 0
              and 100.0 * r.idx_scan / (r.seq_scan + r.idx_scan) < 95
            order by r.seq_tup_read desc
            """;
    }

    /**
     * Exact leaf density of btree indexes from pgstattuple's {@code pgstatindex} (reads each index
     * in full, hence the size bound and the statement timeout; an invalid index cannot be read).
     * Bind: minimum index bytes.
     */
    static String bloatFromPgstattuple() {
        return """
            with leaf as (
                select coalesce(pg_partition_root(i.oid), i.oid) as root, pg_relation_size(i.oid) as bytes,
                       (pgstatindex(i.oid)).avg_leaf_density as density
                from pg_class as i
                join pg_index as x on x.indexrelid = i.oid and x.indisvalid and x.indisready
                join pg_am as am on am.oid = i.relam and am.amname = 'btree'
                join pg_namespace as n on n.oid = i.relnamespace
                where i.relkind = 'i' and i.relpersistence <> 't'
                  and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'
                  and pg_relation_size(i.oid) >= ?
            ), rolled as (
                select root, sum(bytes) as bytes,
                       sum(bytes * (1 - coalesce(nullif(density, 'NaN'), 100) / 100.0))::bigint as bloat
                from leaf group by root
            )
            select n.nspname, t.relname as table_name, i.relname as index_name, r.bytes, r.bloat
            from rolled as r
            join pg_index as x on x.indexrelid = r.root
            join pg_class as i on i.oid = r.root
            join pg_class as t on t.oid = x.indrelid
            join pg_namespace as n on n.oid = t.relnamespace
            order by r.bloat desc
            """;
    }

    /**
     * The usual btree bloat estimate (ioguix's btree_bloat.sql) from pg_stats widths: expected
     * pages at the index's fillfactor (default 90) against actual pages. An estimate; columns
     * without statistics (never analyzed) count 1 kB wide. Bind: minimum index bytes.
     */
    static String bloatEstimate() {
        return """
            with cols as (
                select x.indexrelid as idxoid, x.indrelid as tbloid, ci.reltuples, ci.relpages,
                       coalesce(substring(array_to_string(ci.reloptions, ' ') from 'fillfactor=([0-9]+)')::int, 90)
                           as fillfactor,
                       coalesce(a1.attname, a2.attname) as attname,
                       case when a1.attnum is null then ci.relname else ct.relname end as attrelname,
                       ct.relnamespace
                from pg_index as x
                join pg_class as ci on ci.oid = x.indexrelid and ci.relkind = 'i'
                join pg_am as am on am.oid = ci.relam and am.amname = 'btree'
                join pg_class as ct on ct.oid = x.indrelid
                cross join lateral generate_series(1, x.indnatts) as attpos
                cross join lateral (select (string_to_array(x.indkey::text, ' ')::int[])[attpos] as attnum) as k
                left join pg_attribute as a1 on k.attnum <> 0 and a1.attrelid = x.indrelid and a1.attnum = k.attnum
                left join pg_attribute as a2 on k.attnum = 0 and a2.attrelid = x.indexrelid and a2.attnum = attpos
                where ci.relpages > 0
            ), stats as (
                select c.idxoid, c.reltuples, c.relpages, c.fillfactor,
                       current_setting('block_size')::numeric as bs,
                       case when max(coalesce(s.null_frac, 0)) = 0 then 8 else 8 + ((32 + 8 - 1) / 8) end as hdr,
                       sum((1 - coalesce(s.null_frac, 0)) * coalesce(s.avg_width, 1024)) as datawidth
                from cols as c
                join pg_namespace as n on n.oid = c.relnamespace
                left join pg_stats as s on s.schemaname = n.nspname and s.tablename = c.attrelname
                                       and s.attname = c.attname
                where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'
                group by 1, 2, 3, 4
            ), est as (
                -- 8-byte alignment (64-bit servers), 24-byte page header, 16-byte btree special space
                select idxoid, relpages, bs,
                       coalesce(1 + ceil(reltuples / floor((bs - 16 - 24) * fillfactor
                           / (100 * (4 + hdr + 8 - case when hdr % 8 = 0 then 8 else hdr % 8 end
                                     + datawidth + 8 - case when datawidth = 0 then 0
                                                            when datawidth::int % 8 = 0 then 8
                                                            else datawidth::int % 8 end)::float))), 0) as est_pages
                from stats
            ), rolled as (
                select coalesce(pg_partition_root(idxoid), idxoid) as root, sum(bs * relpages)::bigint as bytes,
                       sum(case when relpages > est_pages then bs * (relpages - est_pages) else 0 end)::bigint as bloat
                from est group by 1
            )
            select n.nspname, t.relname as table_name, i.relname as index_name, r.bytes, r.bloat
            from rolled as r
            join pg_index as x on x.indexrelid = r.root
            join pg_class as i on i.oid = r.root
            join pg_class as t on t.oid = x.indrelid
            join pg_namespace as n on n.oid = t.relnamespace
            where r.bytes >= ?
            order by r.bloat desc
            """;
    }
}
