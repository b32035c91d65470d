-- The at-risk report (AtRiskQueries.atRisk) as one call with plans kept per connection.
--
-- The report was two statements, the course and then its students, and the second was planned on
-- every call: 0.7 ms of planning before 1.2 ms of execution at 40 students x 60 assignments
-- (EXPLAIN ANALYZE, bench data), because pgjdbc's named statement kept getting custom plans (the
-- generic plan's estimate counts every monthly partition of activity_logs and learning_sessions)
-- and behind PgBouncer, with prepareThreshold=0, nothing stays prepared at all. PL/pgSQL keeps the
-- plans of its queries for the session, and plan_cache_mode = force_generic_plan makes them the
-- generic plans from the first call, as V66 does: planned once per pooled connection (ours or
-- PgBouncer's). The course comes in the same call, one round trip less.
--
-- The students' query is the former statement. Every per-student set is a MATERIALIZED CTE,
-- computed once and then hash-joined to the roster. Inlined, they were planned against the
-- roster's estimate (often 1 row: a fresh course has no statistics yet) and rescanned once per
-- student: the submissions were sorted and aggregated 40 times for a course of 40 (20 ms of the
-- 25 ms the statement took at 40 x 60), and the past-due count, referenced three times through an
-- inlined CTE, ran three times. Activity logs and learning sessions are read only inside the
-- inactivity window, bounded by p_since and p_as_of, two timestamps compared with the partition
-- key, so the plan keeps only the window's months (the generic plan prunes the others when each
-- call starts; planned over every month, they had cost 1.5 ms of planning per call). That is
-- exact for every student with a log, a session or a submission in the window: older logs and
-- sessions cannot beat it. Only the others, the inactive, need older months; they get their
-- latest older log or session from classbase_last_activity_before (V66). p_since only moves work
-- between the two, the low-activity reason keeps its own threshold: the result is the same
-- whatever p_since is.
--
-- A generic plan is made without the course's sizes, from averages: it read each assignment's
-- submissions through a bitmap and sorted them by student to aggregate, where the custom plans had
-- used plain index scans and a hash aggregate; enable_bitmapscan and enable_sort off (for this
-- function's plans only) get the custom plans' shape back: 1.66 ms instead of 1.85 at 40 students
-- x 60 assignments (pg_stat_statements, fastest of 150 calls on a loaded machine), about 24 ms
-- either way for the largest course of scale S (524 students). Where nothing else will do (the
-- report's order by name) PostgreSQL still sorts.
--
-- The first row is the course's (instructor_id, enrolled; the student columns null), then the
-- students with at least one reason, by name. No row: the tenant has no such course. p_instructor
-- null (an admin) reads any course; a teacher's id gets the course's row alone when the course is
-- someone else's, and AtRiskService answers 403 from it without the students ever being read.
--
-- SECURITY INVOKER: the caller's row-level security applies. Functions are executable by PUBLIC.
create function classbase_at_risk(
    p_tenant bigint, p_course bigint, p_instructor bigint, p_as_of timestamptz, p_since timestamptz,
    p_score_below numeric, p_inactive_days integer)
returns table (
    instructor_id bigint, enrolled bigint, user_id bigint, full_name text, email text, reasons text[],
    missing bigint, average_percent numeric, last_activity_at timestamptz)
language plpgsql
stable
set plan_cache_mode = force_generic_plan
set enable_bitmapscan = off
set enable_sort = off
as $$
#variable_conflict use_column
begin
    select c.instructor_id,
           (select count(*) from enrollments as e
            where e.tenant_id = c.tenant_id and e.course_id = c.id and e.status = 'active')
    into instructor_id, enrolled
    from courses as c
    where c.tenant_id = p_tenant and c.id = p_course;
    if not found then
        return;
    end if;
    return next; -- the course's row
    if p_instructor is not null and p_instructor <> instructor_id then
        return; -- another teacher's course: the service answers 403
    end if;
    return query
    with roster as materialized (
        select e.user_id, u.full_name, u.email
        from enrollments as e
        join users as u on u.tenant_id = e.tenant_id and u.id = e.user_id
        where e.tenant_id = p_tenant and e.course_id = p_course and e.status = 'active'
    ), handed_in as materialized (
        select s.user_id,
               count(*) filter (where a.due_at < p_as_of) as due,
               round(avg(s.score * 100 / nullif(a.points, 0)), 2) as average_percent,
               max(s.submitted_at) as last_at
        from assignments as a
        join submissions as s on s.tenant_id = a.tenant_id and s.assignment_id = a.id
        where a.tenant_id = p_tenant and a.course_id = p_course
          and s.status <> 'draft' and (s.submitted_at is null or s.submitted_at < p_as_of)
        group by s.user_id
    ), recent_sessions as materialized (
        select l.user_id, max(l.start_time) as last_at
        from learning_sessions as l
        where l.tenant_id = p_tenant and l.course_id = p_course
          and l.start_time >= p_since and l.start_time < p_as_of
        group by l.user_id
    ), due as materialized (
        select count(*) as n
        from assignments as a
        where a.tenant_id = p_tenant and a.course_id = p_course and a.due_at < p_as_of
    ), recent as materialized (
        select r.user_id, r.full_name, r.email,
               due.n - coalesce(h.due, 0) as missing,
               h.average_percent,
               greatest(h.last_at, logs.last_at, ls.last_at) as last_at
        from roster as r
        cross join due
        left join handed_in as h on h.user_id = r.user_id
        left join recent_sessions as ls on ls.user_id = r.user_id
        cross join lateral (
            select max(l.created_at) as last_at
            from activity_logs as l
            where l.tenant_id = p_tenant and l.user_id = r.user_id
              and l.created_at >= p_since and l.created_at < p_as_of
        ) as logs
    ), history as (
        select h.user_id, h.last_at
        from (select array_agg(user_id) as ids from recent where last_at is null or last_at < p_since) as q
        cross join lateral classbase_last_activity_before(p_tenant, p_course, q.ids, p_since) as h
        where q.ids is not null -- an active class: no call at all
    ), scored as (
        select r.user_id, r.full_name, r.email, r.missing, r.average_percent,
               greatest(r.last_at, h.last_at) as last_activity_at
        from recent as r
        left join history as h on h.user_id = r.user_id
    ), reasoned as (
        select s.*,
               array_remove(array[
                   case when s.missing > 0 then 'missing_work' end,
                   case when s.average_percent < p_score_below then 'low_scores' end,
                   case when s.last_activity_at is null
                             or s.last_activity_at < p_as_of - make_interval(days => p_inactive_days)
                        then 'low_activity' end], null) as reasons
        from scored as s
    )
    select null::bigint, null::bigint, user_id, full_name, email, reasons, missing, average_percent, last_activity_at
    from reasoned
    where cardinality(reasons) > 0
    order by full_name, user_id
    ;
end
$$;
