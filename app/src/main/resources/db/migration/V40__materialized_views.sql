-- The six materialized views of DOMAIN.md (seeds 000, 004), refreshed by ops/views.
--
-- * Created WITH NO DATA: populating them here would run every aggregate over all history inside
--   the deploy's migration transaction (minutes on a large data set, with the migration lock held).
--   The scheduler's first pass populates them (a plain REFRESH: the first one cannot be CONCURRENTLY);
--   until then `views status` says "not populated" and a read fails with SQLSTATE 55000.
-- * Each has a UNIQUE index over all rows, which REFRESH ... CONCURRENTLY requires (PostgreSQL manual,
--   REFRESH MATERIALIZED VIEW), and which leads with tenant_id, the column every read binds.
-- * Days are UTC calendar days.
-- * Activity is counted from the activity itself (activity_logs and analytics_events), never from
--   users.last_sign_in_at, which keeps only the latest sign-in.
-- * Tenant isolation: row-level security does not apply to materialized views, so the service role
--   gets no privilege on them at all (V41 revokes it) and reads them only through the tenant_* views
--   of V41, which filter on app.tenant_id.

create materialized view mv_daily_active_users as
with activity as (
    select tenant_id, user_id, (created_at at time zone 'UTC')::date as day
    from activity_logs
    where user_id is not null
    union
    select tenant_id, user_id, (occurred_at at time zone 'UTC')::date as day
    from analytics_events
    where user_id is not null
)
select a.tenant_id,
       a.day,
       count(*)                                    as active_users,
       count(*) filter (where u.role = 'teacher')  as active_teachers,
       count(*) filter (where u.role = 'student')  as active_students
from activity as a
left join users as u on u.tenant_id = a.tenant_id and u.id = a.user_id
group by a.tenant_id, a.day
with no data;
create unique index mv_daily_active_users_key on mv_daily_active_users (tenant_id, day);

create materialized view mv_content_metrics as
select tenant_id,
       day,
       sum(units_created)::bigint        as units_created,
       sum(units_published)::bigint      as units_published,
       sum(lesson_plans_created)::bigint as lesson_plans_created,
       sum(templates_created)::bigint    as templates_created
from (
    select tenant_id, (created_at at time zone 'UTC')::date as day,
           1 as units_created, 0 as units_published, 0 as lesson_plans_created, 0 as templates_created
    from unit_plans
    union all
    select tenant_id, (published_at at time zone 'UTC')::date, 0, 1, 0, 0
    from unit_plans
    where published_at is not null
    union all
    select tenant_id, (created_at at time zone 'UTC')::date, 0, 0, 1, 0
    from lesson_plans
    union all
    select tenant_id, (created_at at time zone 'UTC')::date, 0, 0, 0, 1
    from templates
) as content
group by tenant_id, day
with no data;
create unique index mv_content_metrics_key on mv_content_metrics (tenant_id, day);

-- One row per student. "Achievements" are what a student finished: lessons, courses, exercises.
create materialized view mv_user_learning_summary as
select u.tenant_id,
       u.id                                        as user_id,
       coalesce(p.lessons_started, 0)              as lessons_started,
       coalesce(p.lessons_completed, 0)            as lessons_completed,
       p.average_percent,
       coalesce(e.courses_enrolled, 0)             as courses_enrolled,
       coalesce(e.courses_completed, 0)            as courses_completed,
       coalesce(x.exercises_completed, 0)          as exercises_completed,
       coalesce(s.submissions_graded, 0)           as submissions_graded,
       s.average_score,
       greatest(p.last_progress_at, x.last_exercise_at, s.last_submitted_at) as last_learning_at
from users as u
left join (
    select tenant_id, user_id,
           count(*) filter (where status <> 'not_started') as lessons_started,
           count(*) filter (where status = 'completed')    as lessons_completed,
           round(avg(percent), 2)                          as average_percent,
           max(updated_at)                                 as last_progress_at
    from progress
    group by tenant_id, user_id
) as p on p.tenant_id = u.tenant_id and p.user_id = u.id
left join (
    select tenant_id, user_id,
           count(*) filter (where status <> 'dropped')  as courses_enrolled,
           count(*) filter (where status = 'completed') as courses_completed
    from enrollments
    group by tenant_id, user_id
) as e on e.tenant_id = u.tenant_id and e.user_id = u.id
left join (
    select tenant_id, user_id, count(*) as exercises_completed, max(completed_at) as last_exercise_at
    from user_exercises
    where status = 'completed'
    group by tenant_id, user_id
) as x on x.tenant_id = u.tenant_id and x.user_id = u.id
left join (
    select tenant_id, user_id,
           count(*) filter (where status = 'graded') as submissions_graded,
           round(avg(score) filter (where status = 'graded'), 2) as average_score,
           max(submitted_at) as last_submitted_at
    from submissions
    group by tenant_id, user_id
) as s on s.tenant_id = u.tenant_id and s.user_id = u.id
where u.role = 'student'
with no data;
create unique index mv_user_learning_summary_key on mv_user_learning_summary (tenant_id, user_id);

create materialized view mv_course_analytics as
select c.tenant_id,
       c.id                                   as course_id,
       c.instructor_id,
       c.status,
       coalesce(e.enrollments, 0)             as enrollments,
       coalesce(e.active, 0)                  as active_enrollments,
       coalesce(e.completed, 0)               as completed_enrollments,
       coalesce(e.dropped, 0)                 as dropped_enrollments,
       case when coalesce(e.enrollments, 0) > 0
            then round(e.completed::numeric / e.enrollments, 4) end as completion_rate,
       coalesce(s.graded_submissions, 0)      as graded_submissions,
       s.average_submission_score,
       coalesce(q.completed_attempts, 0)      as completed_quiz_attempts,
       q.average_quiz_score
from courses as c
left join (
    select tenant_id, course_id,
           count(*)                                      as enrollments,
           count(*) filter (where status = 'active')     as active,
           count(*) filter (where status = 'completed')  as completed,
           count(*) filter (where status = 'dropped')    as dropped
    from enrollments
    group by tenant_id, course_id
) as e on e.tenant_id = c.tenant_id and e.course_id = c.id
left join (
    select a.tenant_id, a.course_id, count(*) as graded_submissions, round(avg(s.score), 2) as average_submission_score
    from submissions as s
    join assignments as a on a.tenant_id = s.tenant_id and a.id = s.assignment_id
    where s.status = 'graded'
    group by a.tenant_id, a.course_id
) as s on s.tenant_id = c.tenant_id and s.course_id = c.id
left join (
    select z.tenant_id, z.course_id, count(*) as completed_attempts, round(avg(qa.score), 2) as average_quiz_score
    from quiz_attempts as qa
    join quizzes as z on z.tenant_id = qa.tenant_id and z.id = qa.quiz_id
    where qa.completed_at is not null
    group by z.tenant_id, z.course_id
) as q on q.tenant_id = c.tenant_id and q.course_id = c.id
with no data;
create unique index mv_course_analytics_key on mv_course_analytics (tenant_id, course_id);
create index mv_course_analytics_instructor on mv_course_analytics (tenant_id, instructor_id);

-- Per tenant and day (the platform-wide line is the sum over tenants, for operators). Depends on
-- mv_daily_active_users, so it is refreshed after it.
create materialized view mv_daily_platform_metrics as
select tenant_id,
       day,
       sum(active_users)::bigint       as active_users,
       sum(events)::bigint             as events,
       sum(actions)::bigint            as actions,
       sum(learning_sessions)::bigint  as learning_sessions,
       sum(learning_minutes)::bigint   as learning_minutes,
       sum(submissions)::bigint        as submissions,
       sum(quiz_attempts)::bigint      as quiz_attempts
from (
    select tenant_id, day, active_users, 0 as events, 0 as actions, 0 as learning_sessions,
           0 as learning_minutes, 0 as submissions, 0 as quiz_attempts
    from mv_daily_active_users
    union all
    select tenant_id, (occurred_at at time zone 'UTC')::date, 0, count(*), 0, 0, 0, 0, 0
    from analytics_events
    group by 1, 2
    union all
    select tenant_id, (created_at at time zone 'UTC')::date, 0, 0, count(*), 0, 0, 0, 0
    from activity_logs
    group by 1, 2
    union all
    select tenant_id, (start_time at time zone 'UTC')::date, 0, 0, 0, count(*),
           coalesce(round(sum(extract(epoch from end_time - start_time)) / 60), 0), 0, 0
    from learning_sessions
    group by 1, 2
    union all
    select tenant_id, (submitted_at at time zone 'UTC')::date, 0, 0, 0, 0, 0, count(*), 0
    from submissions
    where submitted_at is not null
    group by 1, 2
    union all
    select tenant_id, (started_at at time zone 'UTC')::date, 0, 0, 0, 0, 0, 0, count(*)
    from quiz_attempts
    group by 1, 2
) as daily
group by tenant_id, day
with no data;
create unique index mv_daily_platform_metrics_key on mv_daily_platform_metrics (tenant_id, day);

-- Per instructor: courses and their quality from mv_course_analytics (refreshed after it); students
-- reached is a distinct count over all their courses, so it comes from enrollments.
create materialized view mv_instructor_performance as
select u.tenant_id,
       u.id                                          as instructor_id,
       coalesce(ca.courses, 0)                       as courses,
       coalesce(ca.published_courses, 0)             as published_courses,
       coalesce(r.students_reached, 0)               as students_reached,
       ca.average_completion_rate,
       ca.average_submission_score
from users as u
left join (
    select tenant_id, instructor_id,
           count(*)                                     as courses,
           count(*) filter (where status = 'published') as published_courses,
           round(avg(completion_rate), 4)               as average_completion_rate,
           round(avg(average_submission_score), 2)      as average_submission_score
    from mv_course_analytics
    group by tenant_id, instructor_id
) as ca on ca.tenant_id = u.tenant_id and ca.instructor_id = u.id
left join (
    select c.tenant_id, c.instructor_id, count(distinct e.user_id) as students_reached
    from enrollments as e
    join courses as c on c.tenant_id = e.tenant_id and c.id = e.course_id
    where e.status <> 'dropped'
    group by c.tenant_id, c.instructor_id
) as r on r.tenant_id = u.tenant_id and r.instructor_id = u.id
where u.role = 'teacher' or ca.courses is not null
with no data;
create unique index mv_instructor_performance_key on mv_instructor_performance (tenant_id, instructor_id);
