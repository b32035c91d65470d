package dev.classbase.platform.dashboard;

/**
 * The dashboard's SQL, one statement per method. Every table and view here is tenant-filtered by
 * the database too (row-level security on the rollups, V41's tenant_* views); the tenant is bound
 * anyway so the plans use the (tenant_id, ...) keys.
 */
final class DashboardQueries {
    private DashboardQueries() {}

    /** Binds the tenant and bounds the read, for this transaction only. Bind: tenant, timeout. */
    static String begin() {
        return "select set_config('app.tenant_id', ?, true), set_config('statement_timeout', ?, true)";
    }

    /**
     * Every day of the range: the rollups plus the live tail, i.e. the inbox rows the next run will
     * add (events, actions, and users not yet counted that day), so today is current, and so is a
     * past day that just received late events. as_of is the rollups' watermark time. Bind: from, to,
     * tenant, from, to, tenant, from, to, tenant, tenant.
     */
    static String dailyActivity() {
        return """
            with days as (
                select d::date as day from generate_series(?::date, ?::date, interval '1 day') as d
            ), pending as (
                select day, sum(events) as events, sum(actions) as actions
                from rollup_inbox
                where tenant_id = ? and day between ? and ?
                group by day
            ), pending_users as (
                select p.day, count(*) as users,
                       count(*) filter (where u.role = 'teacher') as teachers,
                       count(*) filter (where u.role = 'student') as students
                from (select distinct tenant_id, day, user_id from rollup_inbox
                      where tenant_id = ? and day between ? and ? and user_id is not null) as p
                left join users as u on u.tenant_id = ? and u.id = p.user_id
                where not exists (select 1 from rollup_daily_users as r
                                  where r.tenant_id = p.tenant_id and r.day = p.day and r.user_id = p.user_id)
                group by p.day
            )
            select days.day,
                   coalesce(r.active_users, 0) + coalesce(pu.users, 0)       as active_users,
                   coalesce(r.active_teachers, 0) + coalesce(pu.teachers, 0) as active_teachers,
                   coalesce(r.active_students, 0) + coalesce(pu.students, 0) as active_students,
                   coalesce(r.events, 0) + coalesce(p.events, 0)             as events,
                   coalesce(r.actions, 0) + coalesce(p.actions, 0)           as actions,
                   (select last_run_at from rollup_state where name = 'daily_activity') as as_of
            from days
            left join rollup_daily_activity as r on r.tenant_id = ? and r.day = days.day
            left join pending as p on p.day = days.day
            left join pending_users as pu on pu.day = days.day
            order by days.day
            """;
    }

    /** When a view's data is as of (V41's bookkeeping; null: never refreshed). Bind: view. */
    static String viewAsOf() {
        return "select refreshed_at from materialized_view_refreshes where view_name = ?";
    }

    /** Bind: from, to. */
    static String contentMetrics() {
        return """
            select day, units_created, units_published, lesson_plans_created, templates_created
            from tenant_content_metrics
            where day between ? and ?
            order by day
            """;
    }

    /** Bind: instructor (null: all), instructor. */
    static String courseAnalytics() {
        return """
            select course_id, instructor_id, status, enrollments, active_enrollments, completed_enrollments,
                   dropped_enrollments, completion_rate, graded_submissions, average_submission_score,
                   completed_quiz_attempts, average_quiz_score
            from tenant_course_analytics
            where ?::bigint is null or instructor_id = ?::bigint
            order by course_id
            """;
    }

    /** Bind: instructor (null: all), instructor. */
    static String instructorPerformance() {
        return """
            select instructor_id, courses, published_courses, students_reached, average_completion_rate,
                   average_submission_score
            from tenant_instructor_performance
            where ?::bigint is null or instructor_id = ?::bigint
            order by instructor_id
            """;
    }

    /** Bind: user. */
    static String learningSummary() {
        return """
            select user_id, lessons_started, lessons_completed, average_percent, courses_enrolled,
                   courses_completed, exercises_completed, submissions_graded, average_score, last_learning_at
            from tenant_user_learning_summary
            where user_id = ?
            """;
    }
}
