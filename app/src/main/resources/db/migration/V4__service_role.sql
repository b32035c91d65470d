-- The server's pools log in as classbase_app: a role that owns no table, so the row-level
-- security policies apply to it (owners bypass them). The embedded cluster creates the role;
-- on your own PostgreSQL create it first (docs/DATABASE_SCALING.md), or the grants are skipped
-- and the server warns that it runs as the owner. Only what this schema's owner owns is granted
-- (extensions' objects belong to the superuser). Functions are executable by PUBLIC already.
DO $$
DECLARE
    object record;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'classbase_app') THEN
        RETURN;
    END IF;
    EXECUTE 'GRANT USAGE ON SCHEMA public TO classbase_app';
    FOR object IN
        SELECT c.oid::regclass AS name, c.relkind
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public'
          AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
          AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
          AND c.relname <> 'flyway_schema_history'
    LOOP
        IF object.relkind = 'S' THEN
            EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %s TO classbase_app', object.name);
        ELSIF object.relkind IN ('v', 'm') THEN
            EXECUTE format('GRANT SELECT ON %s TO classbase_app', object.name);
        ELSE
            EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO classbase_app', object.name);
        END IF;
    END LOOP;
    -- what later migrations create is granted too
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO classbase_app';
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO classbase_app';
END
$$;
