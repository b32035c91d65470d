package dev.classbase.ops.maintenance;

/** The SQL of backups and their restore check, one statement per method. */
final class BackupQueries {
    private BackupQueries() {}

    static String serverMajor() {
        return "select current_setting('server_version_num')::int / 10000";
    }

    static String database() {
        return "select current_database()";
    }

    /**
     * Whether this role reads every row: pg_dump turns row security off and fails on a table whose
     * policies would filter it. Superusers and BYPASSRLS roles read all; owners read their tables
     * unless FORCE ROW LEVEL SECURITY.
     */
    static String readsEveryRow() {
        return """
            select r.rolsuper or r.rolbypassrls
                   or not exists (select 1 from pg_class as c
                                  where c.relrowsecurity
                                    and (c.relforcerowsecurity or not pg_has_role(c.relowner, 'USAGE')))
            from pg_roles as r where r.rolname = current_user
            """;
    }

    /**
     * The restore check's sample: the biggest tables (partitions counted in their parent) this role
     * reads in full, i.e. without a row-level security policy in the way. Bind: how many.
     */
    static String checkedTables() {
        return """
            select n.nspname, c.relname
            from pg_class as c
            join pg_namespace as n on n.oid = c.relnamespace
            cross join (select rolsuper or rolbypassrls as bypass from pg_roles where rolname = current_user) as me
            where c.relkind in ('r', 'p') and not c.relispartition and c.relpersistence = 'p'
              and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_'
              and has_table_privilege(c.oid, 'SELECT')
              and (not c.relrowsecurity or me.bypass
                   or (pg_has_role(c.relowner, 'USAGE') and not c.relforcerowsecurity))
            order by (select coalesce(sum(pg_table_size(p.relid)), 0) from pg_partition_tree(c.oid) as p) desc,
                     n.nspname, c.relname
            limit ?
            """;
    }

    static String exportSnapshot() {
        return "select pg_export_snapshot()";
    }

    /** The restore check's scratch database; the name is classbase's own (a prefix and a pid). */
    static String createDatabase(String name) {
        return "create database " + MaintenanceTarget.quote(name);
    }

    static String dropDatabase(String name) {
        return "drop database if exists " + MaintenanceTarget.quote(name) + " with (force)";
    }

    // ---- base backup ----

    /** Readable by superusers and pg_read_all_settings (in pg_monitor). */
    static String dataDirectory() {
        return "select current_setting('data_directory')";
    }

    static String walSegmentBytes() {
        return "select setting::bigint * case unit when 'B' then 1 when 'kB' then 1024 when 'MB' then 1048576 else 1 end"
                + " from pg_settings where name = 'wal_segment_size'";
    }

    static String mayStartBackup() {
        return "select has_function_privilege('pg_backup_start(text, boolean)', 'execute')";
    }

    /** A replication slot needs REPLICATION (or superuser); without one, WAL may be recycled mid-copy. */
    static String mayReserveWal() {
        return "select rolsuper or rolreplication from pg_roles where rolname = current_user";
    }

    /** Temporary (dropped with the session), reserving WAL from now on. Bind: slot name. */
    static String reserveWal() {
        return "select pg_create_physical_replication_slot(?, true, true)";
    }

    /** Bind: label. Fast: an immediate checkpoint rather than a spread one. */
    static String backupStart() {
        return "select pg_backup_start(?, true)";
    }

    /** Without waiting for archiving (the embedded cluster archives nothing; the WAL is copied). */
    static String backupStop() {
        return "select lsn, labelfile, spcmapfile from pg_backup_stop(false)";
    }

    /** Bind: an LSN. */
    static String walFileName() {
        return "select pg_walfile_name(?::pg_lsn)";
    }
}
