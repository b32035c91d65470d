-- Run by the embedded cluster as the superuser on every start of the primary, after it has made
-- the login roles (classbase owns the schema, classbase_app is the service role the pools log in
-- as, replicator streams WAL) and the classbase database. Idempotent.

-- The role the console's EXPLAIN switches to (V73 grants its reads): no login, member of nothing.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'classbase_explain') THEN
        CREATE ROLE classbase_explain NOLOGIN NOINHERIT;
    END IF;
END
$$;
GRANT classbase_explain TO classbase_app;

GRANT pg_monitor TO classbase;
-- The database console reads other sessions' activity and statements as the service role
-- (statistics only: no table rights, row-level security unchanged); NOINHERIT needs the grant's
-- own INHERIT option (V60 explains it for external servers).
GRANT pg_monitor TO classbase_app WITH INHERIT TRUE;
-- Scheduled maintenance (ops/maintenance) as the service role: VACUUM, ANALYZE and REINDEX on
-- every table (PostgreSQL 17's pg_maintain; no row rights).
GRANT pg_maintain TO classbase_app WITH INHERIT TRUE;
