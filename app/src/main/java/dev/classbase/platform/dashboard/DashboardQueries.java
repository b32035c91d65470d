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
     * The days of the range that have activity: the rollups plus the live tail, i.e. the inbox rows
     * the next run will add (events, actions, and users not yet counted that day), so today is
     * current, and so is a past day that just received late events (V70's function, whose plan the
     * connection keeps). First, a row with no day: {@code as_of}, the rollups' watermark time.
     * Bind: tenant, from, to.
     */
    static String dailyActivity() {
        return """
            select last_run_at as as_of, null::date as day, null::bigint as active_users,
                   null::bigint as active_teachers, null::bigint as active_students, null::bigint as events,
                   null::bigint as actions
            from rollup_state
            where name = 'daily_activity'
            union all
            select null, d.day, d.active_users, d.active_teachers, d.active_students, d.events, d.actions
            from classbase_daily_activity(?, ?, ?) as d
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

    /**
     * The days of the range the view has a row for (days without learning, submissions or attempts
     * have none; the application fills them with zeros). Bind: from, to.
     */
    static String platformMetrics() {
        return """
            select day, learning_sessions, learning_minutes, submissions, quiz_attempts
            from tenant_daily_platform_metrics
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
