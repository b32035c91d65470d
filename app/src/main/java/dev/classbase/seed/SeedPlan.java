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
    private SeedPlan() {}

    static List<SeedStep> steps(Scale scale, LocalDate asOf) {
        List<SeedStep> steps = new ArrayList<>();
        steps.add(SeedStep.insert(
                "tenants", PeopleQueries.tenants(), scale.tenants(), Map.of("tenants", scale.tenants())));
        steps.add(SeedStep.insert("users", PeopleQueries.users(), scale.users(), Map.of("users", scale.users())));
        steps.add(SeedStep.plan(
                "plan users",
                PeopleQueries.planUsers(),
                "analyze seed_user",
                PeopleQueries.planTenants(),
                "analyze seed_tenant"));

        steps.add(spread("courses", CourseQueries.courses(), scale.courses(), 1));
        steps.add(SeedStep.plan("plan courses", CourseQueries.planCourses(), "analyze seed_course"));
        steps.add(spread("sections", CourseQueries.sections(), scale.sections(), 1));
        steps.add(spread("lessons", CourseQueries.lessons(), scale.lessons(), 8));
        steps.add(spread(
                "assignments", CourseQueries.assignments(), scale.assignments(), scale.assignmentsPerCourse() - 1));
        steps.add(spread("question banks", CourseQueries.questionBanks(), scale.questionBanks(), 1));
        steps.add(spread("questions", CourseQueries.questions(), scale.questions(), 5));
        steps.add(spread("quizzes", CourseQueries.quizzes(), scale.quizzes(), 2));
        steps.add(spread("discussions", CourseQueries.discussions(), scale.discussions(), 1));
        steps.add(spread("resources", CourseQueries.resources(), scale.resources(), 2));
        steps.add(spread("standards", PortfolioQueries.standards(), scale.standards(), 0));
        steps.add(spread("templates", PlanningQueries.templates(), scale.templates(), 0));
        steps.add(spread("unit plans", PlanningQueries.unitPlans(), scale.unitPlans(), 1));
        steps.add(spread("unit versions", PlanningQueries.unitVersions(), scale.unitVersions(), 1));
        steps.add(spread("lesson plans", PlanningQueries.lessonPlans(), scale.lessonPlans(), 1));
        steps.add(spread("exercises", ActivityQueries.exercises(), scale.exercises(), 0));
        steps.add(SeedStep.plan("plan course contents", CourseQueries.planCourseChildren(), "analyze seed_course"));

        steps.add(spread("enrollments", EnrollmentQueries.enrollments(), scale.enrollments(), 3));
        steps.add(SeedStep.plan(
                "plan members",
                EnrollmentQueries.planMembers(),
                "analyze seed_member",
                EnrollmentQueries.planCourseMembers(),
                PeopleQueries.planUserCourses(),
                ActivityQueries.planTeacherCourses(),
                "analyze seed_course",
                "analyze seed_user"));
        steps.add(spread("progress", EnrollmentQueries.progress(), scale.progress(), 0));
        steps.add(spread("submissions", EnrollmentQueries.submissions(), scale.submissions(), 0));
        steps.add(spread("quiz attempts", EnrollmentQueries.quizAttempts(), scale.quizAttempts(), 0));
        steps.add(spread("discussion posts", EnrollmentQueries.discussionPosts(), scale.discussionPosts(), 0));
        steps.add(spread("portfolios", PortfolioQueries.portfolios(), scale.portfolios(), 0));
        steps.add(spread("portfolio entries", PortfolioQueries.portfolioEntries(), scale.portfolioEntries(), 1));
        steps.add(spread(
                "portfolio standards", PortfolioQueries.portfolioEntryStandards(), scale.portfolioEntryStandards(), 0));
        steps.add(spread("portfolio comments", PortfolioQueries.portfolioComments(), scale.portfolioComments(), 0));

        steps.add(SeedStep.plan("plan calendar", ActivityQueries.planCalendar(), "analyze seed_day_slot"));
        partitions(steps, asOf);
        steps.add(spread("user exercises", ActivityQueries.userExercises(), scale.userExercises(), 0));
        steps.add(spread("user sessions", ActivityQueries.userSessions(), scale.userSessions(), 0));
        chunked(steps, "analytics events", ActivityQueries.analyticsEvents(), scale.analyticsEvents());
        chunked(steps, "activity logs", ActivityQueries.activityLogs(), scale.activityLogs());
        steps.add(spread("learning sessions", ActivityQueries.learningSessions(), scale.learningSessions(), 0));
        steps.add(spread(
                "behavioral indicators", ActivityQueries.behavioralIndicators(), scale.behavioralIndicators(), 0));
        steps.add(spread("assessment attempts", ActivityQueries.assessmentAttempts(), scale.assessmentAttempts(), 0));

        steps.add(SeedStep.plan("counters", MaintenanceQueries.counters().toArray(String[]::new)));
        steps.add(SeedStep.plan("sequences", MaintenanceQueries.resetSequences()));
        return steps;
    }

    private static SeedStep spread(String label, String sql, long rows, long base) {
        return SeedStep.insert(label, sql, rows, Map.of("n", rows, "base", base));
    }

    /** The big tables in chunks of the global row numbers, so the progress bar moves. */
    private static void chunked(List<SeedStep> steps, String label, String sql, long rows) {
        long chunks = Math.max(1, Math.ceilDiv(rows, DataGenerator.chunkSize()));
        for (long i = 0; i < chunks; i++) {
            long from = i * rows / chunks + 1;
            long to = (i + 1) * rows / chunks;
            String name = chunks == 1 ? label : "%s %d/%d".formatted(label, i + 1, chunks);
            steps.add(SeedStep.insert(name, sql, to - from + 1, Map.of("n", rows, "from", from, "to", to)));
        }
    }

    /** Monthly partitions for the 182 days of activity (and a month either side). */
    private static void partitions(List<SeedStep> steps, LocalDate asOf) {
        for (String table : DataGenerator.monthlyTables()) {
            steps.add(new SeedStep(
                    "partitions " + table,
                    List.of(MaintenanceQueries.ensurePartitions()),
                    Map.of("table", table, "from", asOf.minusDays(220), "to", asOf.plusMonths(2)),
                    -1));
        }
    }
}
