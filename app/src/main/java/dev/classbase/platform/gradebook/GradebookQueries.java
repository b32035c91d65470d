package dev.classbase.platform.gradebook;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The gradebook of one section in four set-based statements whatever its size: the section,
 * its students, the course's assignments, and every submission of those students to those
 * assignments. Never one query per student.
 */
@Component
class GradebookQueries {
    static final String SECTION = """
                        select s.id, s.name, s.term, c.id as course_id, c.title as course_title, c.instructor_id
                        from sections as s
                        join courses as c on c.tenant_id = s.tenant_id and c.id = s.course_id
                        where s.tenant_id = :tenant and s.id = :section
                        """;

    static final String STUDENTS = """
                        select u.id, u.full_name, u.email, e.status
                        from enrollments as e
                        join users as u on u.tenant_id = e.tenant_id and u.id = e.user_id
                        where e.tenant_id = :tenant and e.section_id = :section and e.status <> 'dropped'
                        order by u.full_name, u.id
                        """;

    static final String ASSIGNMENTS = """
                        select a.id, a.title, a.due_at, a.points
                        from assignments as a
                        where a.tenant_id = :tenant and a.course_id = :course
                        order by a.due_at nulls last, a.id
                        """;

    static final String SUBMISSIONS = """
                        select s.user_id, s.assignment_id, s.id, s.status, s.score, s.submitted_at, s.graded_at
                        from enrollments as e
                        join assignments as a on a.tenant_id = e.tenant_id and a.course_id = e.course_id
                        join submissions as s
                          on s.tenant_id = e.tenant_id and s.assignment_id = a.id and s.user_id = e.user_id
                        where e.tenant_id = :tenant and e.section_id = :section and e.course_id = :course
                          and e.status <> 'dropped'
                        """;

    private final JdbcClient jdbc;

    GradebookQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<SectionRow> section(long tenant, long sectionId) {
        return jdbc.sql(SECTION)
                .param("tenant", tenant)
                .param("section", sectionId)
                .query((rs, n) -> new SectionRow(
                        rs.getLong("id"),
                        rs.getString("name"),
                        rs.getString("term"),
                        rs.getLong("course_id"),
                        rs.getString("course_title"),
                        rs.getLong("instructor_id")))
                .optional();
    }

    /** The section's students who have not dropped, by name. */
    List<Gradebook.Student> students(long tenant, long sectionId) {
        return jdbc.sql(STUDENTS)
                .param("tenant", tenant)
                .param("section", sectionId)
                .query((rs, n) -> new Gradebook.Student(
                        rs.getLong("id"), rs.getString("full_name"), rs.getString("email"), rs.getString("status")))
                .list();
    }

    List<Gradebook.Assignment> assignments(long tenant, long courseId) {
        return jdbc.sql(ASSIGNMENTS)
                .param("tenant", tenant)
                .param("course", courseId)
                .query((rs, n) -> new Gradebook.Assignment(
                        rs.getLong("id"),
                        rs.getString("title"),
                        rs.getObject("due_at", OffsetDateTime.class),
                        rs.getBigDecimal("points")))
                .list();
    }

    /** Every submission of the section's (non-dropped) students to the course's assignments. */
    List<SubmissionRow> submissions(long tenant, long sectionId, long courseId) {
        return jdbc.sql(SUBMISSIONS)
                .param("tenant", tenant)
                .param("section", sectionId)
                .param("course", courseId)
                .query((rs, n) -> new SubmissionRow(
                        rs.getLong("user_id"),
                        rs.getLong("assignment_id"),
                        rs.getLong("id"),
                        rs.getString("status"),
                        rs.getBigDecimal("score"),
                        rs.getObject("submitted_at", OffsetDateTime.class),
                        rs.getObject("graded_at", OffsetDateTime.class)))
                .list();
    }

    record SectionRow(long id, String name, String term, long courseId, String courseTitle, long instructorId) {}

    record SubmissionRow(
            long userId,
            long assignmentId,
            long id,
            String status,
            BigDecimal score,
            OffsetDateTime submittedAt,
            OffsetDateTime gradedAt) {}
}
