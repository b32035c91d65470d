-- Scheduled and manual maintenance (ops/maintenance): VACUUM, ANALYZE, REINDEX CONCURRENTLY and
-- backups of the tables and indexes over their thresholds.
--
-- Runs. One row per task run, by the CLI (as the owner), the server's schedule or the admin API (as
-- the service role): every instance, the CLI and the metrics read the last success from here. A run
-- is 'running' while it holds the maintenance advisory lock; a row left 'running' by a process that
-- died is marked 'abandoned' by the next run that takes the lock.
--
-- Rights. VACUUM, ANALYZE and REINDEX need the table's ownership or, on PostgreSQL 17+, the MAINTAIN
-- privilege, which the predefined role pg_maintain holds on every relation (manual, "Predefined
-- Roles"). classbase_app owns nothing, so the server's scheduled maintenance works only when it is a
-- member: granted here when the migrating role may (a superuser, or ADMIN on pg_maintain), else
-- skipped with a notice, and the scheduled runs skip what they may not touch and say why. It grants
-- maintenance only: no right to read or change rows, row-level security unchanged. classbase_app is
-- NOINHERIT, so the grant says WITH INHERIT TRUE (as V60 does for pg_monitor).

create table maintenance_runs (
    id           bigint generated always as identity primary key,
    task         text        not null check (task in ('vacuum', 'analyze', 'reindex', 'backup')),
    triggered_by text        not null check (triggered_by in ('cli', 'schedule', 'api')),
    started_at   timestamptz not null,
    finished_at  timestamptz,
    outcome      text        not null check (outcome in ('running', 'succeeded', 'failed', 'abandoned')),
    processed    integer     not null default 0,
    failed       integer     not null default 0,
    skipped      integer     not null default 0,
    method       text,
    detail       text
);
-- last run and last success per task, newest first
create index maintenance_runs_task_started on maintenance_runs (task, started_at desc);

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'classbase_app') THEN
        RETURN;
    END IF;
    -- V4's default privileges granted the new table: narrow it to what the runner does
    REVOKE ALL ON maintenance_runs FROM classbase_app;
    GRANT SELECT, INSERT, UPDATE ON maintenance_runs TO classbase_app;

    IF current_setting('server_version_num')::int < 170000 THEN
        RAISE NOTICE 'PostgreSQL before 17 has no pg_maintain: the server''s scheduled maintenance skips tables it does not own; run ./classbase maintain as the owner';
        RETURN;
    END IF;
    IF pg_has_role('classbase_app', 'pg_maintain', 'USAGE') THEN
        RETURN;
    END IF;
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
            AND NOT pg_has_role(current_user, 'pg_maintain', 'MEMBER WITH ADMIN OPTION') THEN
        RAISE NOTICE 'not granting pg_maintain to classbase_app: % may not; a superuser can: GRANT pg_maintain TO classbase_app WITH INHERIT TRUE', current_user;
        RETURN;
    END IF;
    EXECUTE 'GRANT pg_maintain TO classbase_app WITH INHERIT TRUE';
END
$$;
