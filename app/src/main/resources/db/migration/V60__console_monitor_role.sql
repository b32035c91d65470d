-- The database console (ops/console) reads pg_stat_activity and pg_stat_statements as the service
-- role. PostgreSQL shows another role's query text and state there only to members of
-- pg_read_all_stats, which pg_monitor includes; without it the console sees its own sessions only
-- (and says so). classbase_app is NOINHERIT, so on PostgreSQL 16+ the grant must say WITH INHERIT
-- TRUE for the privileges to apply without SET ROLE. Granting a role needs its ADMIN option (or a
-- superuser): when the migrating role lacks it, this is skipped with a notice; grant it by hand.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'classbase_app') THEN
        RETURN;
    END IF;
    IF pg_has_role('classbase_app', 'pg_read_all_stats', 'USAGE') THEN
        RETURN;
    END IF;
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
            AND NOT pg_has_role(current_user, 'pg_monitor', 'MEMBER WITH ADMIN OPTION') THEN
        RAISE NOTICE 'not granting pg_monitor to classbase_app: % may not; a superuser can: GRANT pg_monitor TO classbase_app WITH INHERIT TRUE', current_user;
        RETURN;
    END IF;
    IF current_setting('server_version_num')::int >= 160000 THEN
        EXECUTE 'GRANT pg_monitor TO classbase_app WITH INHERIT TRUE';
    ELSE
        EXECUTE 'GRANT pg_monitor TO classbase_app';
    END IF;
END
$$;
