-- Refreshing the materialized views of V40 (ops/views), and how the service role reads them.
--
-- Refresh. Only a view's owner may REFRESH it, and the server's pools log in as classbase_app, which
-- owns nothing. So refreshes go through classbase_refresh_materialized_view, SECURITY DEFINER (runs
-- as the owner), limited to the six views, executable by the owner and classbase_app only. It:
--   * does nothing on a replica (returns skipped_replica);
--   * takes a transaction-scoped advisory lock per view, so two refreshes of one view never run at
--     once, whichever instance, CLI or server asks: the second is skipped (skipped_running) or, with
--     p_wait, waits for the first to end. Transaction-scoped, so it also holds through PgBouncer's
--     transaction pooling and cannot leak;
--   * refreshes CONCURRENTLY when the view is populated (readers keep reading the old rows), and
--     with a plain REFRESH the first time (PostgreSQL cannot refresh an unpopulated view concurrently;
--     nobody can read it before then anyway);
--   * records the outcome in materialized_view_refreshes, which every instance, the CLI and the
--     metrics read: refreshed_at is when the refresh started, i.e. how old the data is.
--
-- Tenant isolation. Row-level security does not apply to materialized views, so classbase_app has no
-- privilege on mv_* at all. It reads tenant_<name> views instead: security-barrier views owned by the
-- owner that return only the rows of current_setting('app.tenant_id') (set by every server
-- transaction, see V6) and nothing when it is unset. That is a database-side guarantee: a query that
-- forgets to bind the tenant still sees one tenant only.

create table materialized_view_refreshes (
    view_name       text primary key,
    refreshed_at    timestamptz,
    duration_ms     bigint,
    was_concurrent  boolean,
    last_attempt_at timestamptz not null,
    last_outcome    text        not null check (last_outcome in ('refreshed', 'failed')),
    last_error      text
);

create function classbase_refresh_materialized_view(p_view text, p_wait boolean default false)
-- output columns are prefixed: unprefixed, they would be PL/pgSQL variables clashing with table columns
returns table (r_outcome text, r_concurrently boolean, r_duration_ms bigint, r_detail text)
language plpgsql
security definer
set search_path = public, pg_temp
as $$
declare
    v_populated boolean;
    v_started   timestamptz;
    v_ms        bigint;
begin
    if p_view not in ('mv_daily_active_users', 'mv_content_metrics', 'mv_user_learning_summary',
                      'mv_course_analytics', 'mv_daily_platform_metrics', 'mv_instructor_performance') then
        raise exception 'unknown materialized view: %', p_view using errcode = '22023';
    end if;
    if pg_is_in_recovery() then
        return query select 'skipped_replica', null::boolean, null::bigint,
                            'this server is a replica; views are refreshed on the primary';
        return;
    end if;
    -- 1667397238 = 'cbvv' in ASCII: the views' lock space (ops/views ViewQueries uses 'cbvr' for its runner)
    if p_wait then
        perform pg_advisory_xact_lock(1667397238, hashtext(p_view));
    elsif not pg_try_advisory_xact_lock(1667397238, hashtext(p_view)) then
        return query select 'skipped_running', null::boolean, null::bigint,
                            'a refresh of ' || p_view || ' is running elsewhere; this one was skipped';
        return;
    end if;
    select c.relispopulated into v_populated from pg_class c where c.oid = p_view::regclass;
    v_started := clock_timestamp();
    begin
        if v_populated then
            execute format('refresh materialized view concurrently %I', p_view);
        else
            execute format('refresh materialized view %I', p_view);
        end if;
    exception when others then
        insert into materialized_view_refreshes as r (view_name, last_attempt_at, last_outcome, last_error)
        values (p_view, v_started, 'failed', sqlerrm)
        on conflict (view_name) do update
            set last_attempt_at = excluded.last_attempt_at, last_outcome = 'failed', last_error = excluded.last_error;
        return query select 'failed', v_populated, null::bigint, sqlerrm;
        return;
    end;
    v_ms := round(extract(epoch from clock_timestamp() - v_started) * 1000);
    -- fresh statistics for the dashboard's plans and for `views status`'s row estimate (a sample: cheap)
    execute format('analyze %I', p_view);
    insert into materialized_view_refreshes as r
        (view_name, refreshed_at, duration_ms, was_concurrent, last_attempt_at, last_outcome, last_error)
    values (p_view, v_started, v_ms, v_populated, v_started, 'refreshed', null)
    on conflict (view_name) do update
        set refreshed_at = excluded.refreshed_at, duration_ms = excluded.duration_ms,
            was_concurrent = excluded.was_concurrent, last_attempt_at = excluded.last_attempt_at,
            last_outcome = 'refreshed', last_error = null;
    return query select 'refreshed', v_populated, v_ms,
                        case when v_populated then 'refreshed concurrently' else 'populated (first refresh)' end;
end
$$;
revoke all on function classbase_refresh_materialized_view(text, boolean) from public;

do $$
declare
    v text;
begin
    foreach v in array array['daily_active_users', 'content_metrics', 'user_learning_summary',
                             'course_analytics', 'daily_platform_metrics', 'instructor_performance'] loop
        execute format(
            'create view %I with (security_barrier) as select * from %I '
            'where tenant_id = nullif(current_setting(''app.tenant_id'', true), '''')::bigint',
            'tenant_' || v, 'mv_' || v);
    end loop;
    if not exists (select 1 from pg_roles where rolname = 'classbase_app') then
        return;
    end if;
    grant execute on function classbase_refresh_materialized_view(text, boolean) to classbase_app;
    revoke all on materialized_view_refreshes from classbase_app;
    grant select on materialized_view_refreshes to classbase_app;
    foreach v in array array['daily_active_users', 'content_metrics', 'user_learning_summary',
                             'course_analytics', 'daily_platform_metrics', 'instructor_performance'] loop
        -- V4's default privileges granted the new relations to the service role: take that back
        execute format('revoke all on %I from classbase_app', 'mv_' || v);
        execute format('revoke all on %I from classbase_app', 'tenant_' || v);
        execute format('grant select on %I to classbase_app', 'tenant_' || v);
    end loop;
end
$$;
