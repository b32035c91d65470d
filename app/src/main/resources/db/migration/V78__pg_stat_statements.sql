-- pg_stat_statements, which the database console (queries, checks, index advisor) reads. The
-- extension works only when the server preloads its library (shared_preload_libraries, a restart:
-- infrastructure/postgresql/postgresql.conf has it), and it is not a trusted extension, so only a
-- superuser may create it (manual: pgstatstatements, sql-createextension); only a superuser (or a
-- member of pg_read_all_settings) may even read shared_preload_libraries. When the package is
-- missing, the migrating role may not, or the library is not preloaded, this is skipped with a
-- notice and the console says how to enable it; run ./classbase migrate again as a superuser, or
-- CREATE EXTENSION pg_stat_statements by hand, once it may.
DO $$
DECLARE
    is_trusted boolean;
    preloaded boolean;
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements') THEN
        RETURN;
    END IF;
    SELECT bool_or(v.trusted) INTO is_trusted
      FROM pg_available_extension_versions AS v
     WHERE v.name = 'pg_stat_statements';
    IF is_trusted IS NULL THEN
        RAISE NOTICE 'pg_stat_statements is not installed on this server (the PostgreSQL contrib package): not created';
        RETURN;
    END IF;
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
            AND NOT (is_trusted AND has_database_privilege(current_database(), 'CREATE')) THEN
        RAISE NOTICE 'not creating pg_stat_statements: % is not a superuser; a superuser can: CREATE EXTENSION pg_stat_statements', current_user;
        RETURN;
    END IF;
    SELECT 'pg_stat_statements' = ANY (string_to_array(replace(s.setting, ' ', ''), ','))
      INTO preloaded
      FROM pg_settings AS s
     WHERE s.name = 'shared_preload_libraries';
    IF NOT coalesce(preloaded, false) THEN
        RAISE NOTICE 'pg_stat_statements is not in shared_preload_libraries: not created; add it, restart, then run the migrations again';
        RETURN;
    END IF;
    CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
END
$$;
