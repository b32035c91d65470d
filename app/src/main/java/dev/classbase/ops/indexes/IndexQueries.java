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
     * Every pair (index, an index of the same table that makes it redundant): same access method,
     * same predicate, same expressions, and either the same columns and operator classes (any
     * method) or, for btree only, key columns that are a leading prefix of the other's (a unique or
     * INCLUDE-carrying index is never reported as a prefix). Of two duplicates the one reported is the
     * one enforcing less, then the one with fewer scans (the planner's choice is kept: PgHero keeps
     * either), then the newer. A GIN and a btree on the same column answer different questions and
     * are never compared. Scans (since statistics were reset, on this server) of a partitioned index
     * are its partitions'. {@link DropAdvice} picks what to drop from these pairs.
     */
    static String redundantIndexes() {
        return """
            with usage as (
                select coalesce(pg_partition_root(s.indexrelid), s.indexrelid) as root, sum(s.idx_scan) as scans
                from pg_stat_user_indexes as s group by 1
            ), idx as (
                select x.indexrelid, x.indrelid, i.relam, x.indnkeyatts, x.indnatts, x.indisunique,
                       string_to_array(x.indkey::text, ' ')::int[] as cols,
                       string_to_array(x.indclass::text, ' ')::oid[] as classes,
                       coalesce(pg_get_expr(x.indexprs, x.indrelid), '') as exprs,
                       coalesce(pg_get_expr(x.indpred, x.indrelid), '') as pred,
                       case when x.indisprimary then 3
                            when exists (select 1 from pg_constraint as c where c.conindid = x.indexrelid) then 2
                            when x.indisunique then 1 else 0 end as rank,
                       coalesce(u.scans, 0) as scans
                from pg_index as x
                join pg_class as i on i.oid = x.indexrelid
                join pg_class as t on t.oid = x.indrelid
                join pg_namespace as n on n.oid = t.relnamespace
                left join usage as u on u.root = x.indexrelid
                where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'
                  and not i.relispartition and x.indisvalid
            )
            select n.nspname, t.relname as table_name, ia.relname as index_name, ib.relname as covered_by,
                   am.amname, a.cols = b.cols as exact, pg_relation_size(a.indexrelid) as bytes,
                   pg_get_indexdef(a.indexrelid) as index_def, pg_get_indexdef(b.indexrelid) as covered_by_def,
                   a.scans, b.scans as covered_by_scans
            from idx as a
            join idx as b on b.indrelid = a.indrelid and b.indexrelid <> a.indexrelid
                         and b.relam = a.relam and b.pred = a.pred and b.exprs = a.exprs
            join pg_am as am on am.oid = a.relam
            join pg_class as ia on ia.oid = a.indexrelid
            join pg_class as ib on ib.oid = b.indexrelid
            join pg_class as t on t.oid = a.indrelid
            join pg_namespace as n on n.oid = t.relnamespace
            where (a.cols = b.cols and a.classes = b.classes and a.indnkeyatts = b.indnkeyatts
                   and (a.rank < b.rank
                        or (a.rank = b.rank and (a.scans < b.scans
                                                 or (a.scans = b.scans and a.indexrelid > b.indexrelid)))))
               or (am.amname = 'btree' and a.rank = 0 and a.indnatts = a.indnkeyatts
                   and a.indnkeyatts < b.indnkeyatts
                   and a.cols = b.cols[1:a.indnkeyatts] and a.classes = b.classes[1:a.indnkeyatts])
            order by a.indexrelid, (a.cols = b.cols) desc, b.scans desc, b.indexrelid
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
     * What a rebuild of each btree index would free, from pgstattuple's {@code pgstatindex} (reads
     * each index in full, hence the size bound and the statement timeout; an invalid index cannot be
     * read). A rebuild writes the live entries into leaf pages filled to the index's fillfactor
     * (default 90, PostgreSQL manual, CREATE INDEX), so the leaf bytes in use ({@code avg_leaf_density})
     * are compared with that fillfactor, not with 100 %: a fresh index is not bloated. Entries of rows
     * deleted or updated since the last vacuum still fill the leaves and a rebuild drops them: the
     * table's {@code n_dead_tup} counts them, less the HOT updates' share (a heap-only tuple has no
     * index entry; PostgreSQL manual 65.7, Heap-Only Tuples). Internal pages shrink with the leaves;
     * empty and deleted pages are all waste. Binds: minimum index bytes, minimum waste bytes.
     */
    static String bloatFromPgstattuple() {
        return """
            with leaf as (
                select coalesce(pg_partition_root(i.oid), i.oid) as root, s.index_size as bytes,
                       s.leaf_pages, s.internal_pages,
                       coalesce(nullif(s.avg_leaf_density, 'NaN'), 0) / 100.0 as density,
                       coalesce(substring(array_to_string(i.reloptions, ' ') from 'fillfactor=([0-9]+)')::int, 90)
                           / 100.0 as fillfactor,
                       coalesce(st.n_live_tup, 0) as live,
                       coalesce(st.n_dead_tup, 0) * coalesce((st.n_tup_upd - st.n_tup_hot_upd + st.n_tup_del)::numeric
                           / nullif(st.n_tup_upd + st.n_tup_del, 0), 1) as dead_entries,
                       current_setting('block_size')::numeric as bs
                from pg_class as i
                join pg_index as x on x.indexrelid = i.oid and x.indisvalid and x.indisready
                join pg_am as am on am.oid = i.relam and am.amname = 'btree'
                join pg_namespace as n on n.oid = i.relnamespace
                left join pg_stat_all_tables as st on st.relid = x.indrelid
                cross join lateral pgstatindex(i.oid::regclass) as s
                where i.relkind = 'i' and i.relpersistence <> 't'
                  and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'
                  and pg_relation_size(i.oid) >= ?
            ), rebuilt as (
                select root, bytes, bs, leaf_pages, internal_pages,
                       ceil(leaf_pages * density / fillfactor
                            * case when live + dead_entries > 0 then live / (live + dead_entries) else 1 end)
                           as leaf_after
                from leaf
            ), rolled as (
                select root, sum(bytes)::bigint as bytes,
                       sum(greatest(bytes - bs * (1 + leaf_after
                           + ceil(internal_pages * leaf_after / nullif(leaf_pages, 0))), 0))::bigint as bloat
                from rebuilt group by root
            )
            select n.nspname, t.relname as table_name, i.relname as index_name, r.bytes, r.bloat
            from rolled as r
            join pg_index as x on x.indexrelid = r.root
            join pg_class as i on i.oid = r.root
            join pg_class as t on t.oid = x.indrelid
            join pg_namespace as n on n.oid = t.relnamespace
            where r.bloat >= ?
            order by r.bloat desc
            """;
    }

    /**
     * The usual btree bloat estimate (ioguix's btree_bloat.sql) from pg_stats widths: expected
     * pages at the index's fillfactor (default 90) against actual pages. The entries expected are
     * the table's live rows now ({@code n_live_tup}; a partial index keeps its share of them, from
     * {@code reltuples}), so rows deleted since the last vacuum count as waste, as a rebuild drops
     * them; with no statistics since a reset, {@code reltuples}. An estimate; columns without
     * statistics (never analyzed) count 1 kB wide. Binds: minimum index bytes, minimum waste bytes.
     */
    static String bloatEstimate() {
        return """
            with cols as (
                select x.indexrelid as idxoid, x.indrelid as tbloid, ci.relpages,
                       case when st.relid is null or (st.n_live_tup = 0 and st.n_dead_tup = 0 and st.n_tup_ins = 0)
                            then greatest(ci.reltuples, 0)
                            when x.indpred is null then st.n_live_tup
                            else st.n_live_tup * least(1, greatest(ci.reltuples, 0) / nullif(ct.reltuples, 0))
                       end as reltuples,
                       coalesce(substring(array_to_string(ci.reloptions, ' ') from 'fillfactor=([0-9]+)')::int, 90)
                           as fillfactor,
                       coalesce(a1.attname, a2.attname) as attname,
                       case when a1.attnum is null then ci.relname else ct.relname end as attrelname,
                       ct.relnamespace
                from pg_index as x
                join pg_class as ci on ci.oid = x.indexrelid and ci.relkind = 'i'
                join pg_am as am on am.oid = ci.relam and am.amname = 'btree'
                join pg_class as ct on ct.oid = x.indrelid
                left join pg_stat_all_tables as st on st.relid = x.indrelid
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
            where r.bytes >= ? and r.bloat >= ?
            order by r.bloat desc
            """;
    }
}
