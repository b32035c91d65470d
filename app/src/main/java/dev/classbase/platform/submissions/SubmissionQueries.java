package dev.classbase.platform.submissions;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Submitting (idempotent by key) and grading. */
@Component
class SubmissionQueries {
    private static final String RETURNING = """
            returning s.id, s.assignment_id, s.user_id, s.status, s.score, s.body, s.submitted_at, s.graded_at""";

    /**
     * What stopped an insert: the caller's row holding this key, and the caller's row of this
     * assignment, at most two rows; {@code by_key} marks the first kind. Two branches, each a probe
     * of one unique index (submissions_user_idempotency_key, V75, and the (tenant, assignment, user)
     * key): written as one OR, the planner factors out user_id and reads all of the user's rows
     * through submissions_user_fk instead.
     */
    static final String EXISTING = """
                        select s.id, s.assignment_id, s.user_id, s.status, s.score, s.body, s.submitted_at,
                               s.graded_at, true as by_key
                        from submissions as s
                        where s.tenant_id = :tenant and s.user_id = :user and s.idempotency_key = :key
                        union all
                        select s.id, s.assignment_id, s.user_id, s.status, s.score, s.body, s.submitted_at,
                               s.graded_at, false as by_key
                        from submissions as s
                        where s.tenant_id = :tenant and s.assignment_id = :assignment and s.user_id = :user
                          and s.idempotency_key is distinct from :key
                        """;

    private final JdbcClient jdbc;

    SubmissionQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Inserts the submission if the student is actively enrolled in the assignment's course.
     * ON CONFLICT DO NOTHING without a target covers both unique keys: the user's idempotency key
     * (a retry, even one racing the first request: it waits for the first to commit, then does
     * nothing) and (assignment, user) (work already exists: resubmission or conflict).
     */
    Optional<Submission> insert(long tenant, long assignmentId, long userId, String body, String key) {
        return jdbc.sql("""
                        insert into submissions as s (tenant_id, assignment_id, user_id, status, body, submitted_at,
                                                      idempotency_key)
                        select a.tenant_id, a.id, e.user_id, 'submitted', :body, now(), :key
                        from assignments as a
                        join enrollments as e
                          on e.tenant_id = a.tenant_id and e.course_id = a.course_id and e.user_id = :user
                         and e.status = 'active'
                        where a.tenant_id = :tenant and a.id = :assignment
                        on conflict do nothing
                        """ + RETURNING)
                .param("tenant", tenant)
                .param("assignment", assignmentId)
                .param("user", userId)
                .param("body", body)
                .param("key", key)
                .query(SubmissionQueries::submission)
                .optional();
    }

    /** Rows of {@link #EXISTING}. */
    List<Existing> existing(long tenant, long assignmentId, long userId, String key) {
        return jdbc.sql(EXISTING)
                .param("tenant", tenant)
                .param("assignment", assignmentId)
                .param("user", userId)
                .param("key", key)
                .query((rs, n) -> new Existing(submission(rs, n), rs.getBoolean("by_key")))
                .list();
    }

    /** Hands in a draft or returned work again, under a new key. */
    Optional<Submission> resubmit(long tenant, long id, String body, String key) {
        return jdbc.sql("""
                        update submissions as s
                        set status = 'submitted', body = :body, submitted_at = now(), idempotency_key = :key,
                            score = null, graded_at = null
                        where s.tenant_id = :tenant and s.id = :id and s.status in ('draft', 'returned')
                        """ + RETURNING)
                .param("tenant", tenant)
                .param("id", id)
                .param("body", body)
                .param("key", key)
                .query(SubmissionQueries::submission)
                .optional();
    }

    /** A submission with what grading needs: the assignment's points and the course's teacher. */
    Optional<ForGrading> forGrading(long tenant, long id) {
        return jdbc.sql("""
                        select s.id, s.status, a.points, c.instructor_id
                        from submissions as s
                        join assignments as a on a.tenant_id = s.tenant_id and a.id = s.assignment_id
                        join courses as c on c.tenant_id = a.tenant_id and c.id = a.course_id
                        where s.tenant_id = :tenant and s.id = :id
                        """)
                .param("tenant", tenant)
                .param("id", id)
                .query((rs, n) -> new ForGrading(
                        rs.getLong("id"),
                        rs.getString("status"),
                        rs.getBigDecimal("points"),
                        rs.getLong("instructor_id")))
                .optional();
    }

    Optional<Submission> grade(long tenant, long id, BigDecimal score) {
        return jdbc.sql("""
                        update submissions as s
                        set score = :score, status = 'graded', graded_at = now()
                        where s.tenant_id = :tenant and s.id = :id and s.status <> 'draft'
                        """ + RETURNING)
                .param("tenant", tenant)
                .param("id", id)
                .param("score", score)
                .query(SubmissionQueries::submission)
                .optional();
    }

    private static Submission submission(ResultSet rs, int n) throws SQLException {
        return new Submission(
                rs.getLong("id"),
                rs.getLong("assignment_id"),
                rs.getLong("user_id"),
                rs.getString("status"),
                rs.getBigDecimal("score"),
                rs.getString("body"),
                rs.getObject("submitted_at", OffsetDateTime.class),
                rs.getObject("graded_at", OffsetDateTime.class));
    }

    record Existing(Submission submission, boolean byKey) {}

    record ForGrading(long id, String status, BigDecimal points, long instructorId) {}
}
