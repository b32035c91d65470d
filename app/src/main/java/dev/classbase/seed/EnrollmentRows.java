package dev.classbase.seed;

/**
 * Who takes which course, and the work they hand in: enrollments, lesson progress,
 * submissions, quiz attempts, discussion posts. Streams 3xx to 5xx.
 *
 * <p>Progress, submissions and attempts are chosen the same way: every (enrollment, item)
 * pair is a candidate with a pseudo-random "reluctance"; the {@code :n} least reluctant pairs
 * are kept. At-risk students, dropped enrollments and work not due yet are more reluctant, so
 * missing work concentrates where it would in a real school, and the row count is exact.
 */
final class EnrollmentRows {
    private EnrollmentRows() {}

    /**
     * Each student takes {@code base} courses plus a random share of the rest. Courses are
     * picked by popularity rank floor(K * u^2) (see CourseRows.planCourses); duplicates
     * are dropped and, should the skewed picks not yield enough distinct courses, consecutive
     * ranks fill up, so every student gets exactly their number of distinct courses.
     */
    static String enrollments() {
        return """
            with share as (
                select su.tenant_id, su.user_id, su.at_risk,
                       :base * row_number() over (order by su.user_id)
                         + round((:n - :base * count(*) over ()) * sum(w) over (order by su.user_id) / sum(w) over ())::bigint as hi
                from (select s.*, (0.3 + classbase_rand(:seed, 301, s.user_id))::numeric(12, 10) as w
                      from seed_user as s where s.role = 'student') as su
            ), span as (
                select s.*, coalesce(lag(hi) over (order by user_id), 0) as lo, k.open_courses
                from share as s
                join (select tenant_id, max(open_courses) as open_courses from seed_course group by tenant_id) as k
                  using (tenant_id)
            ), candidate as (
                select s.tenant_id, s.user_id, s.at_risk, s.lo, s.hi, j,
                       case when j < 2 * (s.hi - s.lo)
                            then floor(s.open_courses * power(classbase_rand(:seed, 302, s.user_id, j), 2))
                            else (classbase_rand_int(:seed, 303, s.user_id, s.open_courses) + j) % s.open_courses
                       end as pop_rank
                from span as s
                cross join lateral generate_series(0, 3 * (s.hi - s.lo) - 1) as j
            ), first_pick as (
                select distinct on (user_id, pop_rank) * from candidate order by user_id, pop_rank, j
            ), chosen as (
                select f.*, f.lo + row_number() over (partition by f.user_id order by f.j) as id
                from first_pick as f
            )
            insert into enrollments (tenant_id, id, course_id, section_id, user_id, status, enrolled_at, completed_at)
            select c.tenant_id, c.id, sc.course_id,
                   sc.sec_lo + classbase_rand_int(:seed, 304, c.id, sc.sec_cnt), c.user_id,
                   st.status, e.at,
                   case when st.status = 'completed'
                        then :asOf - make_interval(secs => 86400 * 60 * classbase_rand(:seed, 307, c.id)) end
            from chosen as c
            join seed_course as sc on sc.tenant_id = c.tenant_id and sc.pop_rank = c.pop_rank
            cross join lateral (
                select case when sc.status = 'archived' then 'completed'
                            when classbase_rand(:seed, 305, c.id) < case when c.at_risk then 0.15 else 0.06 end then 'dropped'
                            when classbase_rand(:seed, 305, c.id) > 0.95 then 'completed'
                            else 'active' end as status
            ) as st
            cross join lateral (
                select :asOf - interval '182 days'
                       + make_interval(secs => 86400 * case when classbase_rand(:seed, 306, c.id) < 0.9
                                                           then 14 * classbase_rand(:seed, 308, c.id)
                                                           else 14 + 60 * classbase_rand(:seed, 308, c.id) end) as at
            ) as e
            where c.id <= c.hi
            """;
    }

    /** Members of each course numbered 0..k-1, for picking "a student of this course". */
    static String planMembers() {
        return """
            create temp table seed_member on commit drop as
            select e.tenant_id, e.course_id, e.user_id, e.id as enrollment_id, e.status, e.enrolled_at,
                   row_number() over (partition by e.course_id order by e.id) - 1 as idx
            from enrollments as e
            """;
    }

    static String planCourseMembers() {
        return """
            update seed_course as sc set members = m.cnt
            from (select course_id, count(*) as cnt from seed_member group by course_id) as m
            where m.course_id = sc.course_id
            """;
    }

    /**
     * Lessons are worked through in order at a per-enrollment pace, so progress is a prefix of
     * each course; at-risk students and dropped enrollments are slow.
     */
    static String progress() {
        return """
            with candidate as (
                select m.tenant_id, m.user_id, m.enrollment_id, m.enrolled_at, l.id as lesson_id,
                       l.position, sc.lesson_cnt,
                       ((l.position - 0.5) / sc.lesson_cnt)
                         / (case when su.at_risk then 0.1 + 0.5 * p.u else 0.3 + 0.9 * p.u end
                            * case when m.status = 'dropped' then 0.3 else 1 end) as reluctance
                from seed_member as m
                join seed_course as sc on sc.course_id = m.course_id
                join seed_user as su on su.user_id = m.user_id
                join lessons as l on l.tenant_id = m.tenant_id and l.course_id = m.course_id
                cross join lateral (select classbase_rand(:seed, 501, m.enrollment_id) as u) as p
            ), chosen as (
                select * from candidate order by reluctance, enrollment_id, lesson_id limit :n
            )
            insert into progress (tenant_id, user_id, lesson_id, status, percent, updated_at, completed_at)
            select c.tenant_id, c.user_id, c.lesson_id, s.status,
                   case s.status when 'completed' then 100 when 'not_started' then 0
                                 else 5 + classbase_rand_int(:seed, 503, c.user_id, c.lesson_id, 90)::int end,
                   t.at, case when s.status = 'completed' then t.at end
            from chosen as c
            cross join lateral (
                select case when classbase_rand(:seed, 502, c.user_id, c.lesson_id) < 0.82 then 'completed'
                            when classbase_rand(:seed, 502, c.user_id, c.lesson_id) < 0.96 then 'in_progress'
                            else 'not_started' end as status
            ) as s
            cross join lateral (
                select least(:asOf - interval '1 hour',
                             c.enrolled_at + (:asOf - c.enrolled_at)
                               * (c.position::double precision / c.lesson_cnt)
                               * (0.7 + 0.3 * classbase_rand(:seed, 504, c.user_id, c.lesson_id))) as at
            ) as t
            """;
    }

    /**
     * Submissions: 12% late, 2% drafts, graded about a week after submission, 3% returned for
     * revision. At-risk students score 30-70% of the points, the others 60-100%. Ids follow
     * submission time, as they would in production.
     */
    static String submissions() {
        return """
            with candidate as (
                select m.tenant_id, m.user_id, m.enrollment_id, m.enrolled_at, su.at_risk,
                       a.id as assignment_id, a.due_at, a.points,
                       case when a.due_at > :asOf then 10 + r.u
                            else r.u * case when su.at_risk then 2.5 else 1 end
                                     * case when m.status = 'dropped' then 3 else 1 end
                                 + case when m.enrolled_at > a.due_at then 5 else 0 end
                       end as reluctance
                from seed_member as m
                join seed_user as su on su.user_id = m.user_id
                join assignments as a on a.tenant_id = m.tenant_id and a.course_id = m.course_id
                cross join lateral (select classbase_rand(:seed, 401, m.enrollment_id, a.id) as u) as r
            ), chosen as (
                select * from candidate order by reluctance, enrollment_id, assignment_id limit :n
            ), shaped as (
                select c.*, t.submitted_at,
                       case when t.submitted_at is not null
                            then t.submitted_at + make_interval(secs => 86400 * (1 + 20 * power(classbase_rand(:seed, 404, c.enrollment_id, c.assignment_id), 2)))
                       end as graded_at,
                       coalesce(t.submitted_at,
                                least(c.due_at, :asOf) - make_interval(secs => 86400 * 2 * classbase_rand(:seed, 405, c.enrollment_id, c.assignment_id))
                       ) as created_at
                from chosen as c
                cross join lateral (
                    select case when classbase_rand(:seed, 403, c.enrollment_id, c.assignment_id) < 0.02 then null
                                else greatest(c.enrolled_at + interval '1 hour',
                                              least(:asOf - interval '1 hour',
                                                    c.due_at + make_interval(secs => 86400 *
                                                        case when classbase_rand(:seed, 402, c.enrollment_id, c.assignment_id) < 0.12
                                                             then 4 * classbase_rand(:seed, 406, c.enrollment_id, c.assignment_id)
                                                             else -6 * classbase_rand(:seed, 406, c.enrollment_id, c.assignment_id) end)))
                           end as submitted_at
                ) as t
            )
            insert into submissions (tenant_id, id, assignment_id, user_id, status, score, body, submitted_at,
                                     graded_at, created_at)
            select s.tenant_id, row_number() over (order by s.created_at, s.enrollment_id, s.assignment_id),
                   s.assignment_id, s.user_id, st.status,
                   case when st.status in ('graded', 'returned')
                        then round(s.points * (case when s.at_risk then 0.3 + 0.4 * q.u else 0.6 + 0.4 * sqrt(q.u) end)::numeric, 2) end,
                   (array['See attached work.', 'My answers are below.', 'Submitted my draft for feedback.',
                          'Final version with corrections.', 'Here is my project write-up.'])[1 + classbase_rand_int(:seed, 408, s.enrollment_id, s.assignment_id, 5)],
                   s.submitted_at,
                   case when st.status in ('graded', 'returned') then s.graded_at end,
                   s.created_at
            from shaped as s
            cross join lateral (select classbase_rand(:seed, 407, s.enrollment_id, s.assignment_id) as u) as q
            cross join lateral (
                select case when s.submitted_at is null then 'draft'
                            when s.graded_at >= :asOf then 'submitted'
                            when classbase_rand(:seed, 409, s.enrollment_id, s.assignment_id) < 0.03 then 'returned'
                            else 'graded' end as status
            ) as st
            """;
    }

    /** One attempt per chosen (enrollment, quiz); 3% abandoned (no completion, no score). */
    static String quizAttempts() {
        return """
            with candidate as (
                select m.tenant_id, m.user_id, m.enrollment_id, m.enrolled_at, su.at_risk,
                       q.id as quiz_id, q.due_at, q.time_limit_minutes,
                       case when q.due_at > :asOf then 10 + r.u
                            else r.u * case when su.at_risk then 2.5 else 1 end
                                     * case when m.status = 'dropped' then 3 else 1 end
                                 + case when m.enrolled_at > q.due_at then 5 else 0 end
                       end as reluctance
                from seed_member as m
                join seed_user as su on su.user_id = m.user_id
                join quizzes as q on q.tenant_id = m.tenant_id and q.course_id = m.course_id
                cross join lateral (select classbase_rand(:seed, 411, m.enrollment_id, q.id) as u) as r
            ), chosen as (
                select c.*,
                       greatest(c.enrolled_at + interval '1 hour',
                                least(:asOf - interval '2 hours',
                                      c.due_at - make_interval(secs => 86400 * 7 * classbase_rand(:seed, 412, c.enrollment_id, c.quiz_id)))) as started_at
                from (select * from candidate order by reluctance, enrollment_id, quiz_id limit :n) as c
            )
            insert into quiz_attempts (tenant_id, id, quiz_id, user_id, score, started_at, completed_at)
            select c.tenant_id, row_number() over (order by c.started_at, c.enrollment_id, c.quiz_id),
                   c.quiz_id, c.user_id,
                   case when not a.abandoned
                        then round((100 * case when c.at_risk then 0.25 + 0.45 * a.u else 0.55 + 0.45 * sqrt(a.u) end)::numeric, 2) end,
                   c.started_at,
                   case when not a.abandoned
                        then c.started_at + make_interval(secs => 60 * c.time_limit_minutes * (0.3 + 0.7 * a.u)) end
            from chosen as c
            cross join lateral (
                select classbase_rand(:seed, 413, c.enrollment_id, c.quiz_id) < 0.03 as abandoned,
                       classbase_rand(:seed, 414, c.enrollment_id, c.quiz_id) as u
            ) as a
            """;
    }

    /**
     * Posts per discussion in proportion to the course's members (weights members * u^2, so
     * some threads are lively and most are quiet); 85% by a member, the rest by the instructor.
     */
    static String discussionPosts() {
        return """
            with share as (
                select d.tenant_id, d.id as discussion_id, d.course_id, d.created_at, sc.instructor_id, sc.members,
                       round((:n - :base * count(*) over ()) * sum(w) over (order by d.id) / sum(w) over ())::bigint as hi
                from (select di.*, (sc.members * (0.05 + power(classbase_rand(:seed, 421, di.id), 2)))::numeric(20, 10) as w
                      from discussions as di join seed_course as sc on sc.course_id = di.course_id) as d
                join seed_course as sc on sc.course_id = d.course_id
            ), span as (
                select s.*, coalesce(lag(hi) over (order by discussion_id), 0) as lo from share as s
            )
            insert into discussion_posts (tenant_id, id, discussion_id, user_id, body, created_at)
            select s.tenant_id, n, s.discussion_id,
                   case when classbase_rand(:seed, 422, n) < 0.85 then m.user_id else s.instructor_id end,
                   (array['Great point, I had the same question.', 'Here is how I approached it.',
                          'Can someone explain the second part?', 'I found a helpful video on this topic.',
                          'Thanks, that cleared it up!', 'I disagree, and here is why.',
                          'Reminder: the study session is on Thursday.', 'Does this apply to the homework too?'])[1 + classbase_rand_int(:seed, 424, n, 8)],
                   greatest(s.created_at, :asOf - make_interval(secs => 86400 * 150 * classbase_rand(:seed, 425, n)))
            from span as s
            cross join lateral generate_series(s.lo + 1, s.hi) as n
            join seed_member as m
              on m.course_id = s.course_id and m.idx = classbase_rand_int(:seed, 423, n, s.members)
            """;
    }
}
