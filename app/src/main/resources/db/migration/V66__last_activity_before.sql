-- The at-risk report's look into the past (AtRiskQueries.atRisk), with a plan kept per connection.
--
-- The report needs each student's latest activity log and learning session before a moment. Both
-- tables are partitioned by month (V2: 18 months back, 5 ahead, and a default partition), and a
-- statement that may read any month is planned over every partition: about 2 ms of the report's 4
-- at 40 students, paid on every call, because the report runs as a custom plan (pgjdbc's unnamed
-- statements, always so behind PgBouncer with prepareThreshold=0, and PostgreSQL kept choosing custom
-- plans for the named one too: 26 custom, 0 generic in pg_prepared_statements). The report now reads
-- the inactivity window itself, bounded by two bound timestamps, so its plan keeps only the window's
-- months; only the students with nothing in the window need the older months, and they come here.
--
-- PL/pgSQL keeps the plan of its query for the session (as V8 does for the session lookup), and
-- plan_cache_mode = force_generic_plan makes it the generic plan from the first call: planned once
-- per connection, the months after p_before pruned when each call starts. Per student, each table
-- answers newest first from (tenant_id, user_id, created_at desc) (V22) and (tenant_id, user_id),
-- one index probe per month. No student (an active class) returns at once.
--
-- SECURITY INVOKER: the caller's row-level security applies. Functions are executable by PUBLIC.
create function classbase_last_activity_before(
    p_tenant bigint, p_course bigint, p_users bigint[], p_before timestamptz)
returns table (user_id bigint, last_at timestamptz)
language plpgsql
stable
set plan_cache_mode = force_generic_plan
as $$
begin
    if p_users is null or cardinality(p_users) = 0 then
        return;
    end if;
    return query
    select u.id,
           greatest(
               (select max(l.created_at)
                from activity_logs as l
                where l.tenant_id = p_tenant and l.user_id = u.id and l.created_at < p_before),
               (select max(s.start_time)
                from learning_sessions as s
                where s.tenant_id = p_tenant and s.user_id = u.id and s.course_id = p_course
                  and s.start_time < p_before))
    from unnest(p_users) as u (id);
end
$$;
