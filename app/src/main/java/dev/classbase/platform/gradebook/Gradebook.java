package dev.classbase.platform.gradebook;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * One section: its students (rows) and the course's assignments (columns). Each student carries
 * one cell per assignment, in the order of {@code assignments}, with the score and whether the
 * work is missing (due, and nothing submitted: no submission or only a draft).
 */
record Gradebook(Section section, OffsetDateTime asOf, List<Assignment> assignments, List<Row> students) {

    record Section(long id, String name, String term, long courseId, String courseTitle) {}

    record Assignment(long id, String title, OffsetDateTime dueAt, BigDecimal points) {}

    record Student(long id, String name, String email, String enrollmentStatus) {}

    record Row(Student student, List<Cell> cells, int missing, BigDecimal pointsEarned, BigDecimal pointsGraded) {}

    /** {@code status} is the submission's, or "missing" / "not_due" when there is none to show. */
    record Cell(long assignmentId, Long submissionId, String status, BigDecimal score, OffsetDateTime submittedAt) {}
}
