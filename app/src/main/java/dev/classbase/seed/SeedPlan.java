package dev.classbase.seed;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The generator's steps in dependency order, with the sizes of the {@link Scale} bound as
 * {@code :n} (rows to insert) and {@code :base} (minimum children per parent).
 */
final class SeedPlan {
    /** Rows per statement of the big tables: each chunk is one step, so the progress bar moves. */
    static final long CHUNK = 250_000;
    /** The tables partitioned by month, whose partitions must exist before their rows. */
    static final List<String> MONTHLY_TABLES = List.of(
            "analytics_events", "activity_logs", "learning_sessions", "behavioral_indicators", "assessment_attempts");

    private SeedPlan() {}

    static List<SeedStep> steps(Scale scale, LocalDate asOf) {
        List<SeedStep> steps = new ArrayList<>();
        steps.add(
                SeedStep.insert("tenants", PeopleRows.tenants(), scale.tenants(), Map.of("tenants", scale.tenants())));
        steps.add(SeedStep.insert("users", PeopleRows.users(), scale.users(), Map.of("users", scale.users())));
        steps.add(SeedStep.plan(
                "plan users",
                PeopleRows.planUsers(),
                "analyze seed_user",
                PeopleRows.planTenants(),
                "analyze seed_tenant"));

        steps.add(spread("courses", CourseRows.courses(), scale.courses(), 1));
        steps.add(SeedStep.plan("plan courses", CourseRows.planCourses(), "analyze seed_course"));
        steps.add(spread("sections", CourseRows.sections(), scale.sections(), 1));
        steps.add(spread("lessons", CourseRows.lessons(), scale.lessons(), 8));
        steps.add(
                spread("assignments", CourseRows.assignments(), scale.assignments(), scale.assignmentsPerCourse() - 1));
        steps.add(spread("question banks", CourseRows.questionBanks(), scale.questionBanks(), 1));
        steps.add(spread("questions", CourseRows.questions(), scale.questions(), 5));
        steps.add(spread("quizzes", CourseRows.quizzes(), scale.quizzes(), 2));
        steps.add(spread("discussions", CourseRows.discussions(), scale.discussions(), 1));
        steps.add(spread("resources", CourseRows.resources(), scale.resources(), 2));
        steps.add(spread("standards", PortfolioRows.standards(), scale.standards(), 0));
        steps.add(spread("templates", PlanningRows.templates(), scale.templates(), 0));
        steps.add(spread("unit plans", PlanningRows.unitPlans(), scale.unitPlans(), 1));
        steps.add(spread("unit versions", PlanningRows.unitVersions(), scale.unitVersions(), 1));
        steps.add(spread("lesson plans", PlanningRows.lessonPlans(), scale.lessonPlans(), 1));
        steps.add(spread("exercises", ActivityRows.exercises(), scale.exercises(), 0));
        steps.add(SeedStep.plan("plan course contents", CourseRows.planCourseChildren(), "analyze seed_course"));

        steps.add(spread("enrollments", EnrollmentRows.enrollments(), scale.enrollments(), 3));
        steps.add(SeedStep.plan(
                "plan members",
                EnrollmentRows.planMembers(),
                "analyze seed_member",
                EnrollmentRows.planCourseMembers(),
                PeopleRows.planUserCourses(),
                ActivityRows.planTeacherCourses(),
                "analyze seed_course",
                "analyze seed_user"));
        steps.add(spread("progress", EnrollmentRows.progress(), scale.progress(), 0));
        steps.add(spread("submissions", EnrollmentRows.submissions(), scale.submissions(), 0));
        steps.add(spread("quiz attempts", EnrollmentRows.quizAttempts(), scale.quizAttempts(), 0));
        steps.add(spread("discussion posts", EnrollmentRows.discussionPosts(), scale.discussionPosts(), 0));
        steps.add(spread("portfolios", PortfolioRows.portfolios(), scale.portfolios(), 0));
        steps.add(spread("portfolio entries", PortfolioRows.portfolioEntries(), scale.portfolioEntries(), 1));
        steps.add(spread(
                "portfolio standards", PortfolioRows.portfolioEntryStandards(), scale.portfolioEntryStandards(), 0));
        steps.add(spread("portfolio comments", PortfolioRows.portfolioComments(), scale.portfolioComments(), 0));

        steps.add(SeedStep.plan("plan calendar", ActivityRows.planCalendar(), "analyze seed_day_slot"));
        partitions(steps, asOf);
        steps.add(spread("user exercises", ActivityRows.userExercises(), scale.userExercises(), 0));
        steps.add(spread("user sessions", ActivityRows.userSessions(), scale.userSessions(), 0));
        chunked(steps, "analytics events", ActivityRows.analyticsEvents(), scale.analyticsEvents());
        chunked(steps, "activity logs", ActivityRows.activityLogs(), scale.activityLogs());
        steps.add(spread("learning sessions", ActivityRows.learningSessions(), scale.learningSessions(), 0));
        steps.add(
                spread("behavioral indicators", ActivityRows.behavioralIndicators(), scale.behavioralIndicators(), 0));
        steps.add(spread("assessment attempts", ActivityRows.assessmentAttempts(), scale.assessmentAttempts(), 0));

        steps.add(SeedStep.plan("counters", DatabasePreparation.counters().toArray(String[]::new)));
        steps.add(SeedStep.plan("sequences", DatabasePreparation.resetSequences()));
        return steps;
    }

    private static SeedStep spread(String label, String sql, long rows, long base) {
        return SeedStep.insert(label, sql, rows, Map.of("n", rows, "base", base));
    }

    /** The big tables in chunks of the global row numbers, so the progress bar moves. */
    private static void chunked(List<SeedStep> steps, String label, String sql, long rows) {
        long chunks = Math.max(1, Math.ceilDiv(rows, CHUNK));
        for (long i = 0; i < chunks; i++) {
            long from = i * rows / chunks + 1;
            long to = (i + 1) * rows / chunks;
            String name = chunks == 1 ? label : "%s %d/%d".formatted(label, i + 1, chunks);
            steps.add(SeedStep.insert(name, sql, to - from + 1, Map.of("n", rows, "from", from, "to", to)));
        }
    }

    /** Monthly partitions for the 182 days of activity (and a month either side). */
    private static void partitions(List<SeedStep> steps, LocalDate asOf) {
        for (String table : MONTHLY_TABLES) {
            steps.add(new SeedStep(
                    "partitions " + table,
                    List.of(DatabasePreparation.ensurePartitions()),
                    Map.of("table", table, "from", asOf.minusDays(220), "to", asOf.plusMonths(2)),
                    -1));
        }
    }
}
