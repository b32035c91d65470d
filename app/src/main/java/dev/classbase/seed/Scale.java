package dev.classbase.seed;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Dataset sizes. The five base numbers are those of BENCHMARKS.md (tenants, users, courses,
 * submissions, analytics events); every other table is derived from them by the ratios below,
 * and the generator produces exactly these row counts (it fails if it cannot).
 *
 * <p>Ratios, per the domain: 3 sections, 12 lessons, 3 quizzes, 2 question banks of 25
 * questions, 2 discussions, 5 resources, 3 unit plans (3 versions, 4 lesson plans each) per
 * course; 5 enrollments, 7 lesson progress rows per enrollment, 1.5 quiz attempts and 2
 * discussion posts per enrollment; one portfolio per two users with 4 entries, 1.5 standards
 * and 1 comment per entry; 40 standards, 20 templates and 150 exercises per tenant; per user
 * 10 exercise attempts, 1.5 sessions, 10 learning sessions, 5 behavioral indicators and 4
 * assessment attempts; activity logs are a quarter of the analytics events. Assignments per
 * course follow from the submission target: enough that about 30% of the due work is missing.
 */
public enum Scale {
    DEMO(3, 2_000, 60, 50_000, 200_000),
    S(20, 20_000, 600, 1_000_000, 1_000_000),
    M(50, 100_000, 2_000, 5_000_000, 10_000_000),
    L(100, 200_000, 5_000, 10_000_000, 30_000_000);

    private final long tenants;
    private final long users;
    private final long courses;
    private final long submissions;
    private final long analyticsEvents;

    Scale(long tenants, long users, long courses, long submissions, long analyticsEvents) {
        this.tenants = tenants;
        this.users = users;
        this.courses = courses;
        this.submissions = submissions;
        this.analyticsEvents = analyticsEvents;
    }

    /** Parses "demo", "s", "M", ... case-insensitively. */
    public static Scale parse(String text) {
        if (text != null) {
            for (Scale scale : values()) {
                if (scale.name().equalsIgnoreCase(text.strip())) {
                    return scale;
                }
            }
        }
        throw new IllegalArgumentException("unknown scale '" + text + "', valid values: " + validValues());
    }

    /** "demo, S, M, L": how the scales are written on the command line and in the docs. */
    public static String validValues() {
        return Arrays.stream(values()).map(Scale::label).collect(Collectors.joining(", "));
    }

    public String label() {
        return this == DEMO ? "demo" : name();
    }

    public long tenants() {
        return tenants;
    }

    public long users() {
        return users;
    }

    public long courses() {
        return courses;
    }

    public long submissions() {
        return submissions;
    }

    public long analyticsEvents() {
        return analyticsEvents;
    }

    public long sections() {
        return 3 * courses;
    }

    public long enrollments() {
        return 5 * users;
    }

    public long lessons() {
        return 12 * courses;
    }

    /** Every course has at least 8 lessons, so 7 per enrollment always fit. */
    public long progress() {
        return 7 * enrollments();
    }

    /**
     * Assignments per course on average: 30% more (enrollment, assignment) pairs than
     * submissions. Each course gets at least one fewer than this, which still leaves more
     * pairs than submissions at every scale.
     */
    public long assignmentsPerCourse() {
        return Math.ceilDiv(13 * submissions, 10 * enrollments());
    }

    public long assignments() {
        return assignmentsPerCourse() * courses;
    }

    /** At least two quizzes per course, so 1.5 attempts per enrollment always fit. */
    public long quizzes() {
        return 3 * courses;
    }

    public long quizAttempts() {
        return enrollments() * 3 / 2;
    }

    public long questionBanks() {
        return 2 * courses;
    }

    public long questions() {
        return 25 * questionBanks();
    }

    public long discussions() {
        return 2 * courses;
    }

    public long discussionPosts() {
        return 2 * enrollments();
    }

    public long portfolios() {
        return users / 2;
    }

    public long portfolioEntries() {
        return 4 * portfolios();
    }

    public long portfolioEntryStandards() {
        return portfolioEntries() * 3 / 2;
    }

    public long portfolioComments() {
        return portfolioEntries();
    }

    public long standards() {
        return 40 * tenants;
    }

    public long resources() {
        return 5 * courses;
    }

    public long unitPlans() {
        return 3 * courses;
    }

    public long unitVersions() {
        return 3 * unitPlans();
    }

    public long lessonPlans() {
        return 4 * unitPlans();
    }

    public long templates() {
        return 20 * tenants;
    }

    public long exercises() {
        return 150 * tenants;
    }

    public long userExercises() {
        return 10 * users;
    }

    public long userSessions() {
        return users * 3 / 2;
    }

    public long activityLogs() {
        return analyticsEvents / 4;
    }

    public long learningSessions() {
        return 10 * users;
    }

    public long behavioralIndicators() {
        return 5 * users;
    }

    public long assessmentAttempts() {
        return 4 * users;
    }

    /** Exact row count of every table after generation, keyed by table name. */
    public Map<String, Long> tableSizes() {
        Map<String, Long> sizes = new LinkedHashMap<>();
        sizes.put("tenants", tenants);
        sizes.put("users", users);
        sizes.put("courses", courses);
        sizes.put("sections", sections());
        sizes.put("lessons", lessons());
        sizes.put("assignments", assignments());
        sizes.put("question_banks", questionBanks());
        sizes.put("questions", questions());
        sizes.put("quizzes", quizzes());
        sizes.put("discussions", discussions());
        sizes.put("resources", resources());
        sizes.put("standards", standards());
        sizes.put("templates", templates());
        sizes.put("unit_plans", unitPlans());
        sizes.put("unit_versions", unitVersions());
        sizes.put("lesson_plans", lessonPlans());
        sizes.put("exercises", exercises());
        sizes.put("enrollments", enrollments());
        sizes.put("progress", progress());
        sizes.put("submissions", submissions);
        sizes.put("quiz_attempts", quizAttempts());
        sizes.put("discussion_posts", discussionPosts());
        sizes.put("portfolios", portfolios());
        sizes.put("portfolio_entries", portfolioEntries());
        sizes.put("portfolio_entry_standards", portfolioEntryStandards());
        sizes.put("portfolio_comments", portfolioComments());
        sizes.put("user_exercises", userExercises());
        sizes.put("user_sessions", userSessions());
        sizes.put("analytics_events", analyticsEvents);
        sizes.put("activity_logs", activityLogs());
        sizes.put("learning_sessions", learningSessions());
        sizes.put("behavioral_indicators", behavioralIndicators());
        sizes.put("assessment_attempts", assessmentAttempts());
        return sizes;
    }
}
