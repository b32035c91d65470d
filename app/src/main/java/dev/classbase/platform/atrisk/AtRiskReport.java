package dev.classbase.platform.atrisk;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * The students of one course who need attention, each with why.
 *
 * @param asOf the moment the report was computed for (now, or the end of the requested day)
 * @param criteria the thresholds used
 * @param students the active students with at least one reason, by name
 */
public record AtRiskReport(long courseId, Instant asOf, Criteria criteria, int enrolled, List<Student> students) {

    /**
     * @param scoreBelow an average grade (percent of points) below this is a low score
     * @param inactiveDays no activity in this many days before {@code asOf} is low activity
     */
    public record Criteria(BigDecimal scoreBelow, int inactiveDays) {}

    /**
     * @param reasons {@code missing_work}, {@code low_scores} and/or {@code low_activity}
     * @param missingAssignments past-due assignments without a handed-in submission
     * @param averagePercent mean grade as a percentage of points; null when nothing is graded
     * @param lastActivityAt latest activity log, learning session in the course or submission in
     *     the course before {@code asOf}; null when none
     */
    public record Student(
            long id,
            String name,
            String email,
            List<String> reasons,
            int missingAssignments,
            BigDecimal averagePercent,
            Instant lastActivityAt) {}
}
