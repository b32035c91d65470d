-- The load journeys' accounts: distinct active users of each role with what their journey needs,
-- in the mix's order (row k of a role placed at k / share, so any prefix of the file holds about
-- 85 % students, 12 % teachers and 3 % admins). Run by bench/capacity.sh:
--   psql "$URL" -v students=N -v teachers=N -v admins=N -f bench/accounts.sql > accounts.csv
-- List columns are space-separated ids; submissions are id:points pairs of the teacher's section.
\set ON_ERROR_STOP on
copy (
with picked_students as materialized (
    select u.tenant_id, u.id, u.email
    from users as u
    where u.role = 'student' and u.is_active and u.password_hash is not null
      and exists (select 1 from enrollments as e
                  where e.tenant_id = u.tenant_id and e.user_id = u.id and e.status = 'active')
    order by md5(u.id::text)
    limit :students
), picked_teachers as materialized (
    select u.tenant_id, u.id, u.email, c.id as course_id, s.id as section_id
    from users as u
    cross join lateral (
        select c.id from courses as c
        where c.tenant_id = u.tenant_id and c.instructor_id = u.id
          and exists (select 1 from sections as s where s.tenant_id = c.tenant_id and s.course_id = c.id)
        order by c.id limit 1
    ) as c
    cross join lateral (
        select s.id from sections as s
        where s.tenant_id = u.tenant_id and s.course_id = c.id
        order by (select count(*) from enrollments as e where e.tenant_id = s.tenant_id and e.section_id = s.id) desc, s.id
        limit 1
    ) as s
    where u.role = 'teacher' and u.is_active and u.password_hash is not null
    order by md5(u.id::text)
    limit :teachers
), picked_admins as materialized (
    select u.tenant_id, u.id, u.email
    from users as u
    where u.role = 'admin' and u.is_active and u.password_hash is not null
    order by md5(u.id::text)
    limit :admins
), rows as (
    select 'student' as role, p.email, p.tenant_id, p.id as user_id, mine.course_id, mine.section_id,
           null::bigint as student_id,
           (select string_agg(c.id::text, ' ') from (
                select c.id from courses as c
                where c.tenant_id = p.tenant_id and c.status = 'published'
                  and exists (select 1 from sections as s where s.tenant_id = c.tenant_id and s.course_id = c.id)
                  and not exists (select 1 from enrollments as e
                                  where e.tenant_id = c.tenant_id and e.user_id = p.id and e.course_id = c.id)
                order by (c.id * 7919 + p.id) % 1009 limit 3) as c) as enroll_courses,
           (select string_agg(a.id::text, ' ') from (
                select a.id from enrollments as e
                join assignments as a on a.tenant_id = e.tenant_id and a.course_id = e.course_id
                where e.tenant_id = p.tenant_id and e.user_id = p.id and e.status = 'active'
                  and not exists (select 1 from submissions as s
                                  where s.tenant_id = a.tenant_id and s.assignment_id = a.id and s.user_id = p.id)
                order by a.id limit 40) as a) as assignments,
           null::text as submissions, null::bigint as portfolio_id,
           row_number() over (order by md5(p.id::text)) / 0.85 as position
    from picked_students as p
    cross join lateral (
        select e.course_id, e.section_id from enrollments as e
        where e.tenant_id = p.tenant_id and e.user_id = p.id and e.status = 'active'
        order by e.id limit 1
    ) as mine
    union all
    select 'teacher', t.email, t.tenant_id, t.id, t.course_id, t.section_id,
           (select e.user_id from enrollments as e
            where e.tenant_id = t.tenant_id and e.section_id = t.section_id and e.status = 'active'
            order by e.id limit 1),
           null, null,
           (select string_agg(s.id || ':' || s.points, ' ') from (
                select s.id, a.points from submissions as s
                -- the gradebook lists the section's students who have not dropped: grade only what it shows
                join enrollments as e on e.tenant_id = s.tenant_id and e.user_id = s.user_id and e.section_id = t.section_id
                                     and e.status <> 'dropped'
                join assignments as a on a.tenant_id = s.tenant_id and a.id = s.assignment_id and a.course_id = t.course_id
                where s.tenant_id = t.tenant_id and s.status in ('submitted', 'graded')
                order by s.id limit 20) as s),
           null,
           row_number() over (order by md5(t.id::text)) / 0.12
    from picked_teachers as t
    union all
    select 'admin', a.email, a.tenant_id, a.id, null, null,
           (select u.id from users as u
            where u.tenant_id = a.tenant_id and u.role = 'student' and u.is_active order by u.id limit 1),
           null, null, null,
           (select p.id from portfolios as p where p.tenant_id = a.tenant_id order by p.id limit 1),
           row_number() over (order by md5(a.id::text)) / 0.03
    from picked_admins as a
)
select role, email, tenant_id, user_id,
       coalesce(course_id::text, '') as course_id, coalesce(section_id::text, '') as section_id,
       coalesce(student_id::text, '') as student_id, coalesce(enroll_courses, '') as enroll_courses,
       coalesce(assignments, '') as assignments, coalesce(submissions, '') as submissions,
       coalesce(portfolio_id::text, '') as portfolio_id
from rows
order by position, role
) to stdout with (format csv, header);
