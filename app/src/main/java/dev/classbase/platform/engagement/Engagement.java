package dev.classbase.platform.engagement;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One student in one course: their work, quiz attempts, posts and when they were last active.
 * Averages are null when there is nothing to average; {@code lastActivityAt} is null when the
 * student never did anything in the course.
 */
public record Engagement(
        long courseId,
        Student student,
        String enrollmentStatus,
        Submissions submissions,
        QuizAttempts quizAttempts,
        DiscussionPosts discussionPosts,
        Instant lastActivityAt) {

    public record Student(long id, String name) {}

    /**
     * @param assignments assignments of the course
     * @param count submission rows, drafts included
     * @param submitted handed in (any status but draft)
     * @param graded with a grade
     * @param averageScore mean of the grades, in points
     * @param averagePercent mean of the grades as a percentage of each assignment's points
     */
    public record Submissions(
            long assignments,
            long count,
            long submitted,
            long graded,
            BigDecimal averageScore,
            BigDecimal averagePercent,
            Instant lastSubmittedAt) {}

    public record QuizAttempts(long count, long completed, BigDecimal averageScore, Instant lastAttemptAt) {}

    public record DiscussionPosts(long count, Instant lastPostAt) {}
}
