package dev.classbase.seed;

/**
 * Behaviour over time: coding exercises and attempts, sign-in sessions, and the
 * partitioned activity tables (analytics events, activity logs, learning sessions,
 * behavioral indicators, assessment attempts). Streams 7xx and 8xx.
 *
 * <p>Per-user rows use the cumulative weight fractions of {@code seed_user}: user u owns the
 * global numbers {@code round(n * lo_u) + 1 .. round(n * hi_u)}; the big tables are generated in
 * chunks {@code :from .. :to} of those numbers so the progress bar moves.
 */
final class ActivityRows {
    private ActivityRows() {}

    /**
     * The term calendar, as an inverse distribution: 4096 slots per variant, each a day
     * {@code d} (0 = the day before asOf). Weekdays weigh 1, weekends 0.25, a two-week break
     * (days 100 to 113 back) 0.1, exam weeks 1.4. Variants: all 182 days; "quiet" (at-risk
     * students, nothing in the last 21 days); "recent" (the last 90 days, for the short-lived
     * activity logs); "quiet_recent".
     */
    static String planCalendar() {
        return """
            create temp table seed_day_slot on commit drop as
            with day as (
                select d, (case when extract(isodow from :asOf - make_interval(days => d + 1)) >= 6 then 0.25 else 1 end
                           * case when d between 100 and 113 then 0.1 else 1 end
                           * case when d between 7 and 13 or d between 119 and 125 then 1.4 else 1 end)::numeric as w
                from generate_series(0, 181) as d
            ), variant (name, first_day, last_day) as (
                values ('all', 0, 181), ('quiet', 21, 181), ('recent', 0, 89), ('quiet_recent', 21, 89)
            ), cdf as (
                select v.name, day.d,
                       sum(day.w) over (partition by v.name order by day.d) / sum(day.w) over (partition by v.name) as c
                from variant as v join day on day.d between v.first_day and v.last_day
            ), bounds as (
                select name, d, coalesce(lag(c) over (partition by name order by d), 0) as c_lo, c as c_hi from cdf
            )
            -- slot s belongs to the day whose cdf range holds (s + 0.5) / 4096
            select b.name as variant, s as slot, b.d
            from bounds as b
            cross join lateral generate_series(ceil(4096 * b.c_lo - 0.5)::int, ceil(4096 * b.c_hi - 0.5)::int - 1) as s
            """;
    }

    /** Teachers' "courses" are the courses they teach, for the course in their events. */
    static String planTeacherCourses() {
        return """
            update seed_user as su
            set courses = c.courses
            from (select instructor_id, array_agg(course_id order by course_id) as courses
                  from seed_course group by instructor_id) as c
            where c.instructor_id = su.user_id
            """;
    }

    static String exercises() {
        return """
            with span as (
                select id as tenant_id,
                       round(:n * row_number() over (order by id) / count(*) over ())::bigint as hi,
                       round(:n * (row_number() over (order by id) - 1) / count(*) over ())::bigint as lo
                from tenants
            )
            insert into exercises (tenant_id, id, title, difficulty, programming_language, prompt, created_at)
            select s.tenant_id, n,
                   (array['FizzBuzz', 'Reverse a string', 'Two sum', 'Word count', 'Matrix transpose', 'Binary search',
                          'Palindrome check', 'Merge intervals', 'Parse CSV', 'Top-k frequent', 'Balanced brackets',
                          'Run-length encoding'])[1 + classbase_rand_int(:seed, 702, n, 12)] || ' #' || (n - s.lo),
                   case when classbase_rand(:seed, 703, n) < 0.4 then 'easy'
                        when classbase_rand(:seed, 703, n) < 0.8 then 'medium' else 'hard' end,
                   (array['python', 'python', 'python', 'python', 'javascript', 'javascript', 'java', 'java', 'sql',
                          'go'])[1 + classbase_rand_int(:seed, 704, n, 10)],
                   'Write a function that solves the problem and passes the tests.',
                   :asOf - make_interval(days => 200 + classbase_rand_int(:seed, 705, n, 300)::int)
            from span as s
            cross join lateral generate_series(s.lo + 1, s.hi) as n
            """;
    }

    /**
     * Exercise attempts as streaks: a student's k-th attempt is about k * spacing days before
     * their last active day (spacing 0.5 to 3 days), so regular users have long daily streaks.
     */
    static String userExercises() {
        return """
            with catalog as (
                select tenant_id, min(id) as lo, count(*) as cnt from exercises group by tenant_id
            )
            insert into user_exercises (tenant_id, id, user_id, exercise_id, status, score, created_at, completed_at)
            select su.tenant_id, n, su.user_id, c.lo + classbase_rand_int(:seed, 711, n, c.cnt), st.status,
                   case when st.status = 'completed' then round(50 + 50 * classbase_rand(:seed, 713, n)::numeric, 2) end,
                   t.at,
                   case when st.status = 'completed' then t.at + make_interval(secs => 60 * (5 + 85 * classbase_rand(:seed, 714, n))) end
            from seed_user as su
            join catalog as c on c.tenant_id = su.tenant_id
            cross join lateral generate_series(round(:n * su.stu_lo)::bigint + 1, round(:n * su.stu_hi)::bigint) as n
            cross join lateral (
                select case when classbase_rand(:seed, 712, n) < 0.8 then 'completed'
                            when classbase_rand(:seed, 712, n) < 0.9 then 'in_progress' else 'pending' end as status
            ) as st
            cross join lateral (
                select :asOf - make_interval(days => 1 + ((case when su.at_risk then 21 else classbase_rand_int(:seed, 715, su.user_id, 3) end)
                                                         + floor((n - round(:n * su.stu_lo) - 1) * (0.5 + 2.5 * classbase_rand(:seed, 716, su.user_id))))::int % 182)
                             + make_interval(secs => 32400 + 43200 * classbase_rand(:seed, 717, n)) as at
            ) as t
            where su.role = 'student'
            """;
    }

    /** Sign-in sessions of the last 30 days, valid 14 days: about half have expired. */
    static String userSessions() {
        return """
            insert into user_sessions (token_hash, tenant_id, user_id, expires_at, created_at, last_seen_at)
            select sha256(int8send(:seed) || int8send(n)), su.tenant_id, su.user_id,
                   c.at + interval '14 days', c.at,
                   least(:asOf - interval '1 minute', c.at + make_interval(secs => 86400 * 14 * power(classbase_rand(:seed, 722, n), 2)))
            from seed_user as su
            cross join lateral generate_series(round(:n * su.act_lo)::bigint + 1, round(:n * su.act_hi)::bigint) as n
            cross join lateral (
                select :asOf - make_interval(secs => 86400 * case when su.at_risk then 21 + 9 * classbase_rand(:seed, 721, n)
                                                                  else 30 * classbase_rand(:seed, 721, n) end) as at
            ) as c
            """;
    }

    /** Events between 08:00 and 22:00 UTC on calendar-weighted days; at-risk students went quiet. */
    static String analyticsEvents() {
        return """
            insert into analytics_events (tenant_id, id, user_id, kind, payload, occurred_at)
            select su.tenant_id, n, su.user_id, e.kind,
                   jsonb_strip_nulls(jsonb_build_object(
                       'course_id', e.course_id,
                       'path', case when e.course_id is null then '/dashboard' else '/courses/' || e.course_id end,
                       'duration_ms', 200 + classbase_rand_int(:seed, 733, n, 30000),
                       'device', (array['web', 'web', 'web', 'chromebook', 'ios', 'android'])[1 + classbase_rand_int(:seed, 734, n, 6)])),
                   :asOf - make_interval(days => ds.d + 1) + make_interval(secs => 28800 + 50400 * classbase_rand(:seed, 735, n))
            from seed_user as su
            cross join lateral generate_series(greatest(round(:n * su.act_lo)::bigint + 1, :from),
                                               least(round(:n * su.act_hi)::bigint, :to)) as n
            join seed_day_slot as ds
              on ds.variant = case when su.at_risk then 'quiet' else 'all' end
             and ds.slot = classbase_rand_int(:seed, 731, n, 4096)
            cross join lateral (
                select (array['page_view', 'lesson_view', 'video_play', 'assignment_view', 'quiz_start', 'quiz_submit',
                              'assignment_submit', 'discussion_view', 'search', 'sign_in'])
                           [1 + width_bucket(classbase_rand(:seed, 732, n),
                                             array[0.35, 0.55, 0.65, 0.73, 0.78, 0.82, 0.87, 0.93, 0.97]::float8[])] as kind,
                       su.courses[1 + classbase_rand_int(:seed, 736, n, cardinality(su.courses))] as course_id
            ) as e
            where round(:n * su.act_hi) >= :from and round(:n * su.act_lo) < :to
            """;
    }

    /** Audit-style actions over the last 90 days (the table's retention is short). */
    static String activityLogs() {
        return """
            insert into activity_logs (tenant_id, id, user_id, action, target, created_at)
            select su.tenant_id, n, su.user_id, a.action,
                   case when a.course_id is null then 'tenant:' || su.tenant_id else 'course:' || a.course_id end,
                   :asOf - make_interval(days => ds.d + 1) + make_interval(secs => 25200 + 57600 * classbase_rand(:seed, 743, n))
            from seed_user as su
            cross join lateral generate_series(greatest(round(:n * su.act_lo)::bigint + 1, :from),
                                               least(round(:n * su.act_hi)::bigint, :to)) as n
            join seed_day_slot as ds
              on ds.variant = case when su.at_risk then 'quiet_recent' else 'recent' end
             and ds.slot = classbase_rand_int(:seed, 741, n, 4096)
            cross join lateral (
                select case su.role
                           when 'student' then (array['sign_in', 'view_course', 'submit_assignment', 'start_quiz',
                                                      'post_discussion', 'download_resource', 'update_profile'])[1 + classbase_rand_int(:seed, 742, n, 7)]
                           when 'teacher' then (array['sign_in', 'view_course', 'grade_submission', 'create_assignment',
                                                      'edit_lesson', 'post_discussion'])[1 + classbase_rand_int(:seed, 742, n, 6)]
                           else (array['sign_in', 'invite_user', 'update_settings', 'export_report'])[1 + classbase_rand_int(:seed, 742, n, 4)]
                       end as action,
                       su.courses[1 + classbase_rand_int(:seed, 744, n, cardinality(su.courses))] as course_id
            ) as a
            where round(:n * su.act_hi) >= :from and round(:n * su.act_lo) < :to
            """;
    }

    /** Study sessions of 5 to 90 minutes in one of the student's courses. */
    static String learningSessions() {
        return """
            insert into learning_sessions (tenant_id, id, user_id, course_id, start_time, end_time)
            select su.tenant_id, n, su.user_id,
                   su.courses[1 + classbase_rand_int(:seed, 752, n, cardinality(su.courses))],
                   t.at, t.at + make_interval(secs => 60 * (5 + 85 * power(classbase_rand(:seed, 753, n), 2)))
            from seed_user as su
            cross join lateral generate_series(round(:n * su.stu_lo)::bigint + 1, round(:n * su.stu_hi)::bigint) as n
            join seed_day_slot as ds
              on ds.variant = case when su.at_risk then 'quiet' else 'all' end
             and ds.slot = classbase_rand_int(:seed, 751, n, 4096)
            cross join lateral (
                select :asOf - make_interval(days => ds.d + 1) + make_interval(secs => 28800 + 46800 * classbase_rand(:seed, 754, n)) as at
            ) as t
            where su.role = 'student'
            """;
    }

    /** Scores 0 to 100 per indicator; at-risk students score low. */
    static String behavioralIndicators() {
        return """
            insert into behavioral_indicators (tenant_id, id, user_id, indicator, value, recorded_at)
            select su.tenant_id, n, su.user_id,
                   (array['engagement', 'attention', 'persistence', 'collaboration', 'help_seeking'])[1 + classbase_rand_int(:seed, 762, n, 5)],
                   round((100 * case when su.at_risk then 0.15 + 0.35 * classbase_rand(:seed, 763, n)
                                     else 0.45 + 0.55 * classbase_rand(:seed, 763, n) end)::numeric, 2),
                   :asOf - make_interval(days => ds.d + 1) + make_interval(secs => 3600 * (2 + classbase_rand_int(:seed, 764, n, 4)))
            from seed_user as su
            cross join lateral generate_series(round(:n * su.stu_lo)::bigint + 1, round(:n * su.stu_hi)::bigint) as n
            join seed_day_slot as ds on ds.variant = 'all' and ds.slot = classbase_rand_int(:seed, 761, n, 4096)
            where su.role = 'student'
            """;
    }

    /** Benchmark and diagnostic assessments; 4% abandoned (no completion, no score). */
    static String assessmentAttempts() {
        return """
            insert into assessment_attempts (tenant_id, id, user_id, assessment, score, max_score, started_at, completed_at)
            select su.tenant_id, n, su.user_id,
                   (array['Reading Diagnostic', 'Math Diagnostic', 'Unit Benchmark', 'Midterm Practice',
                          'Writing Sample', 'Science Checkpoint', 'Final Review'])[1 + classbase_rand_int(:seed, 772, n, 7)],
                   case when not a.abandoned
                        then round((100 * case when su.at_risk then 0.2 + 0.4 * a.u else 0.5 + 0.5 * sqrt(a.u) end)::numeric, 2) end,
                   100, t.at,
                   case when not a.abandoned then t.at + make_interval(secs => 60 * (20 + 40 * a.u)) end
            from seed_user as su
            cross join lateral generate_series(round(:n * su.stu_lo)::bigint + 1, round(:n * su.stu_hi)::bigint) as n
            join seed_day_slot as ds
              on ds.variant = case when su.at_risk then 'quiet' else 'all' end
             and ds.slot = classbase_rand_int(:seed, 771, n, 4096)
            cross join lateral (
                select classbase_rand(:seed, 773, n) < 0.04 as abandoned, classbase_rand(:seed, 774, n) as u
            ) as a
            cross join lateral (
                select :asOf - make_interval(days => ds.d + 1) + make_interval(secs => 28800 + 28800 * classbase_rand(:seed, 775, n)) as at
            ) as t
            where su.role = 'student'
            """;
    }
}
