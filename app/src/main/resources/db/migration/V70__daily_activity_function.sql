-- The daily-activity dashboard (DashboardQueries.dailyActivity) as a function whose plan the
-- connection keeps.
--
-- The dashboard read the rollups, the inbox's live tail and the uncounted users in one statement of
-- three CTEs joined to a generate_series of the range's days. Measured with pgbench on the demo
-- replica (one client, 365 days): 2.0 ms a call, about 0.9 ms of it planning, paid on every call
-- because pgjdbc's unnamed statements (and PgBouncer's transaction mode) plan each time, and the
-- rest mostly the hash joins of 365 generated days. Here the three parts are one UNION ALL summed
-- per day, only the days with activity come back (the application fills the others with zeros),
-- and PL/pgSQL keeps the plan per connection (as V8 and V66 do), the generic one from the first
-- call: every part is an index range scan on (tenant_id, day) whatever the arguments.
--
-- Per day: the rollup's row, plus what the next rollup run will add: the inbox's events and actions,
-- and its users not yet counted that day (by role). Same numbers as before (RollupDashboardTests,
-- the analytics benchmark's digest against the raw tables).
--
-- SECURITY INVOKER: the caller's row-level security applies to every table read. Executable by PUBLIC.
create function classbase_daily_activity(p_tenant bigint, p_from date, p_to date)
returns table (
    day date, active_users bigint, active_teachers bigint, active_students bigint, events bigint, actions bigint)
language plpgsql
stable
set plan_cache_mode = force_generic_plan
as $$
begin
    return query
    select x.day, sum(x.users)::bigint, sum(x.teachers)::bigint, sum(x.students)::bigint,
           sum(x.events)::bigint, sum(x.actions)::bigint
    from (
        select r.day, r.active_users as users, r.active_teachers as teachers, r.active_students as students,
               r.events, r.actions
        from rollup_daily_activity as r
        where r.tenant_id = p_tenant and r.day between p_from and p_to
        union all
        select i.day, 0, 0, 0, i.events, i.actions
        from rollup_inbox as i
        where i.tenant_id = p_tenant and i.day between p_from and p_to
        union all
        select p.day, count(*), count(*) filter (where u.role = 'teacher'),
               count(*) filter (where u.role = 'student'), 0, 0
        from (select distinct i.day, i.user_id
              from rollup_inbox as i
              where i.tenant_id = p_tenant and i.day between p_from and p_to and i.user_id is not null) as p
        left join users as u on u.tenant_id = p_tenant and u.id = p.user_id
        where not exists (select 1 from rollup_daily_users as d
                          where d.tenant_id = p_tenant and d.day = p.day and d.user_id = p.user_id)
        group by p.day
    ) as x
    group by x.day
    order by x.day;
end
$$;
