-- Incremental daily rollups (ops/rollups): daily active users and the event-driven platform metrics,
-- kept current from the events that arrived since the last run, so the cost of a run grows with new
-- events, not with history (a full REFRESH of mv_daily_active_users re-aggregates every month kept).
--
-- Why an inbox and not "id > last id". The identity values of analytics_events/activity_logs are
-- taken at INSERT, not at COMMIT: a transaction holding id 100 may commit after one holding 101, and a
-- reader that advanced its watermark to 101 would skip 100 for ever. So each INSERT statement appends
-- its rows' aggregate per (tenant, day, user) to rollup_inbox (a statement trigger over the transition
-- table: one small row per group, no contention on a hot counter row), and a run drains the inbox with
-- DELETE ... RETURNING in one statement: it takes exactly the committed rows, and rows of a transaction
-- still running stay for the next run. The watermark (rollup_state.last_seq) records the last inbox
-- position processed, for status; the drain is what makes it exactly once. Late events for past days
-- go through the inbox like any other: only their (tenant, day) pairs change.
--
-- Distinct users per day cannot be added up, so rollup_daily_users keeps one row per (tenant, day,
-- user) and a run inserts the new ones (ON CONFLICT DO NOTHING): active_users grows by the rows that
-- were really new. Days are UTC calendar days, users' roles are read when the run first sees them
-- (mv_daily_active_users reads them at refresh: they differ only for a user whose role changed).
--
-- Not captured: UPDATE/DELETE of raw events (ingestion is append-only; retention drops whole months,
-- and the rollups keep their history on purpose), and V2's moving of default-partition rows into a new
-- partition (the rows were counted when they first arrived; see classbase_rollup_moving).

create table rollup_inbox (
    seq       bigint generated always as identity primary key,
    tenant_id bigint not null,
    day       date   not null,
    user_id   bigint,
    events    bigint not null default 0,
    actions   bigint not null default 0
);
-- the dashboard's live tail reads the pending rows of one tenant and date range
create index rollup_inbox_tenant_day on rollup_inbox (tenant_id, day);

create table rollup_daily_users (
    tenant_id bigint not null,
    day       date   not null,
    user_id   bigint not null,
    role      text,
    primary key (tenant_id, day, user_id)
);

create table rollup_daily_activity (
    tenant_id       bigint not null,
    day             date   not null,
    active_users    bigint not null default 0,
    active_teachers bigint not null default 0,
    active_students bigint not null default 0,
    events          bigint not null default 0,
    actions         bigint not null default 0,
    primary key (tenant_id, day)
);

create table rollup_state (
    name             text primary key,
    initialized      boolean     not null default false,
    last_seq         bigint      not null default 0,
    last_run_at      timestamptz,
    last_rows        bigint,
    last_pairs       bigint,
    last_duration_ms bigint,
    last_full_at     timestamptz
);
insert into rollup_state (name) values ('daily_activity');

-- True while V2's classbase_ensure_monthly_partitions moves rows out of the default partition: it
-- detaches <table>_default, re-inserts its rows through the parent, and re-attaches it, all in one
-- transaction that holds the parent's ACCESS EXCLUSIVE lock, so no other insert can see this state.
create function classbase_rollup_moving(p_schema text, p_table text)
returns boolean
language sql
stable
set search_path = public, pg_temp
as $$
    select exists (select 1 from pg_class
                   where oid = to_regclass(format('%I.%I', p_schema, p_table || '_default'))
                     and not relispartition)
$$;

create function classbase_rollup_capture_events()
returns trigger
language plpgsql
security definer
set search_path = public, pg_temp
as $$
begin
    if classbase_rollup_moving(tg_table_schema, tg_table_name) then
        return null;
    end if;
    insert into rollup_inbox (tenant_id, day, user_id, events)
    select tenant_id, (occurred_at at time zone 'UTC')::date, user_id, count(*)
    from new_rows
    group by 1, 2, 3;
    return null;
end
$$;

create function classbase_rollup_capture_actions()
returns trigger
language plpgsql
security definer
set search_path = public, pg_temp
as $$
begin
    if classbase_rollup_moving(tg_table_schema, tg_table_name) then
        return null;
    end if;
    insert into rollup_inbox (tenant_id, day, user_id, actions)
    select tenant_id, (created_at at time zone 'UTC')::date, user_id, count(*)
    from new_rows
    group by 1, 2, 3;
    return null;
end
$$;

create trigger analytics_events_rollup after insert on analytics_events
    referencing new table as new_rows for each statement execute function classbase_rollup_capture_events();
create trigger activity_logs_rollup after insert on activity_logs
    referencing new table as new_rows for each statement execute function classbase_rollup_capture_actions();

-- One run: SECURITY DEFINER because the server's pools log in as classbase_app, which may only read
-- the rollups. Does nothing on a replica; one run at a time cluster-wide (a transaction-scoped advisory
-- lock, which also holds behind PgBouncer's transaction pooling); the first run, or p_full, rebuilds
-- from the raw tables, every other run drains the inbox.
create function classbase_run_rollups(p_full boolean default false)
returns table (r_outcome text, r_rows bigint, r_pairs bigint, r_duration_ms bigint, r_detail text)
language plpgsql
security definer
set search_path = public, pg_temp
as $$
declare
    v_started timestamptz := clock_timestamp();
    v_full    boolean;
    v_rows    bigint;
    v_pairs   bigint;
    v_seq     bigint;
    v_ms      bigint;
begin
    if pg_is_in_recovery() then
        return query select 'skipped_replica', 0::bigint, 0::bigint, 0::bigint,
                            'this server is a replica; rollups run on the primary';
        return;
    end if;
    -- 1667396204 = 'cbrl' in ASCII: the rollups' lock space
    if not pg_try_advisory_xact_lock(1667396204, 0) then
        return query select 'skipped_running', 0::bigint, 0::bigint, 0::bigint,
                            'a rollup run is in progress elsewhere; this one was skipped';
        return;
    end if;
    select p_full or not initialized into v_full from rollup_state where name = 'daily_activity' for update;
    if v_full then
        delete from rollup_daily_activity;
        delete from rollup_daily_users;
        -- one statement, one snapshot: the inbox rows it drains are exactly the raw rows it counts
        with drained as (
            delete from rollup_inbox returning seq
        ), activity as (
            select tenant_id, user_id, (created_at at time zone 'UTC')::date as day from activity_logs
            where user_id is not null
            union
            select tenant_id, user_id, (occurred_at at time zone 'UTC')::date from analytics_events
            where user_id is not null
        ), new_users as (
            insert into rollup_daily_users (tenant_id, day, user_id, role)
            select a.tenant_id, a.day, a.user_id, u.role
            from activity as a
            left join users as u on u.tenant_id = a.tenant_id and u.id = a.user_id
            returning tenant_id, day, role
        ), deltas as (
            select tenant_id, day, 1 as au, (role = 'teacher')::int as at, (role = 'student')::int as ast,
                   0::bigint as ev, 0::bigint as ac
            from new_users
            union all
            select tenant_id, (occurred_at at time zone 'UTC')::date, 0, 0, 0, count(*), 0
            from analytics_events group by 1, 2
            union all
            select tenant_id, (created_at at time zone 'UTC')::date, 0, 0, 0, 0, count(*)
            from activity_logs group by 1, 2
        ), written as (
            insert into rollup_daily_activity
                (tenant_id, day, active_users, active_teachers, active_students, events, actions)
            select tenant_id, day, sum(au), sum(coalesce(at, 0)), sum(coalesce(ast, 0)), sum(ev), sum(ac)
            from deltas group by tenant_id, day
            returning 1
        )
        select (select count(*) from drained), (select max(seq) from drained), (select count(*) from written)
        into v_rows, v_seq, v_pairs;
    else
        with drained as (
            delete from rollup_inbox
            returning seq, tenant_id, day, user_id, events, actions
        ), new_users as (
            insert into rollup_daily_users (tenant_id, day, user_id, role)
            select d.tenant_id, d.day, d.user_id, u.role
            from (select distinct tenant_id, day, user_id from drained where user_id is not null) as d
            left join users as u on u.tenant_id = d.tenant_id and u.id = d.user_id
            on conflict do nothing
            returning tenant_id, day, role
        ), deltas as (
            select tenant_id, day, 1 as au, (role = 'teacher')::int as at, (role = 'student')::int as ast,
                   0::bigint as ev, 0::bigint as ac
            from new_users
            union all
            select tenant_id, day, 0, 0, 0, events, actions from drained
        ), written as (
            insert into rollup_daily_activity as r
                (tenant_id, day, active_users, active_teachers, active_students, events, actions)
            select tenant_id, day, sum(au), sum(coalesce(at, 0)), sum(coalesce(ast, 0)), sum(ev), sum(ac)
            from deltas group by tenant_id, day
            on conflict (tenant_id, day) do update
                set active_users    = r.active_users + excluded.active_users,
                    active_teachers = r.active_teachers + excluded.active_teachers,
                    active_students = r.active_students + excluded.active_students,
                    events          = r.events + excluded.events,
                    actions         = r.actions + excluded.actions
            returning 1
        )
        select (select count(*) from drained), (select max(seq) from drained), (select count(*) from written)
        into v_rows, v_seq, v_pairs;
    end if;
    v_ms := round(extract(epoch from clock_timestamp() - v_started) * 1000);
    -- last_run_at is when the run started: every event committed before it is in the rollups
    update rollup_state
       set initialized = true, last_seq = coalesce(v_seq, last_seq), last_run_at = v_started,
           last_rows = v_rows, last_pairs = v_pairs, last_duration_ms = v_ms,
           last_full_at = case when v_full then v_started else last_full_at end
     where name = 'daily_activity';
    return query select case when v_full then 'rebuilt' else 'ran' end, v_rows, v_pairs, v_ms,
                        case when v_full then 'rebuilt from the raw tables'
                             else format('%s inbox rows into %s (tenant, day) pairs', v_rows, v_pairs) end;
end
$$;
revoke all on function classbase_run_rollups(boolean) from public;
revoke all on function classbase_rollup_capture_events() from public;
revoke all on function classbase_rollup_capture_actions() from public;

-- Tenant isolation as V6: the service role reads its tenant's rows only, and writes nothing.
do $$
declare
    t text;
    tenant_expr constant text := 'nullif(current_setting(''app.tenant_id'', true), '''')::bigint';
begin
    foreach t in array array['rollup_inbox', 'rollup_daily_users', 'rollup_daily_activity'] loop
        execute format('alter table %I enable row level security', t);
        execute format('create policy tenant_isolation on %I using (tenant_id = %s)', t, tenant_expr);
    end loop;
    if not exists (select 1 from pg_roles where rolname = 'classbase_app') then
        return;
    end if;
    foreach t in array array['rollup_inbox', 'rollup_daily_users', 'rollup_daily_activity', 'rollup_state'] loop
        execute format('revoke all on %I from classbase_app', t);
        execute format('grant select on %I to classbase_app', t);
    end loop;
    grant execute on function classbase_run_rollups(boolean) to classbase_app;
end
$$;
