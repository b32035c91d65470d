package dev.classbase.platform.quizzes;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Starting and completing quiz attempts. */
@Component
class QuizQueries {
    private static final String RETURNING = """
            returning qa.id, qa.quiz_id, qa.user_id, qa.score, qa.started_at, qa.completed_at""";

    private final JdbcClient jdbc;

    QuizQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A new attempt, if the user is actively enrolled in the quiz's course; else no row. */
    Optional<QuizAttempt> start(long tenant, long quizId, long userId) {
        return jdbc.sql("""
                        insert into quiz_attempts as qa (tenant_id, quiz_id, user_id, started_at)
                        select q.tenant_id, q.id, e.user_id, now()
                        from quizzes as q
                        join enrollments as e
                          on e.tenant_id = q.tenant_id and e.course_id = q.course_id and e.user_id = :user
                         and e.status = 'active'
                        where q.tenant_id = :tenant and q.id = :quiz
                        """ + RETURNING)
                .param("tenant", tenant)
                .param("quiz", quizId)
                .param("user", userId)
                .query(QuizQueries::attempt)
                .optional();
    }

    /** Completes the user's own open attempt; no row if it is not theirs or already completed. */
    Optional<QuizAttempt> complete(long tenant, long attemptId, long userId, BigDecimal score) {
        return jdbc.sql("""
                        update quiz_attempts as qa
                        set score = :score, completed_at = greatest(now(), qa.started_at)
                        where qa.tenant_id = :tenant and qa.id = :attempt and qa.user_id = :user
                          and qa.completed_at is null
                        """ + RETURNING)
                .param("tenant", tenant)
                .param("attempt", attemptId)
                .param("user", userId)
                .param("score", score)
                .query(QuizQueries::attempt)
                .optional();
    }

    /** The user's attempt as it is (to tell "already completed" from "not found"). */
    Optional<QuizAttempt> attempt(long tenant, long attemptId, long userId) {
        return jdbc.sql("""
                        select qa.id, qa.quiz_id, qa.user_id, qa.score, qa.started_at, qa.completed_at
                        from quiz_attempts as qa
                        where qa.tenant_id = :tenant and qa.id = :attempt and qa.user_id = :user
                        """)
                .param("tenant", tenant)
                .param("attempt", attemptId)
                .param("user", userId)
                .query(QuizQueries::attempt)
                .optional();
    }

    private static QuizAttempt attempt(ResultSet rs, int n) throws SQLException {
        return new QuizAttempt(
                rs.getLong("id"),
                rs.getLong("quiz_id"),
                rs.getLong("user_id"),
                rs.getBigDecimal("score"),
                rs.getObject("started_at", OffsetDateTime.class),
                rs.getObject("completed_at", OffsetDateTime.class));
    }
}
