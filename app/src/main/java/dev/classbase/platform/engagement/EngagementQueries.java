package dev.classbase.platform.engagement;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The engagement SQL: one statement, whatever the amount of work the student did. */
@Component
class EngagementQueries {
    static final String ENGAGEMENT = """
            select c.id as course_id, c.instructor_id, u.id as user_id, u.full_name, e.status as enrollment_status,
                   (select count(*) from assignments as a
                    where a.tenant_id = c.tenant_id and a.course_id = c.id) as assignments,
                   s.total, s.submitted, s.graded, s.average_score, s.average_percent, s.last_submitted_at,
                   q.attempts, q.completed, q.average_score as quiz_average, q.last_attempt_at,
                   d.posts, d.last_post_at,
                   ls.last_session_at
            from courses as c
            left join users as u on u.tenant_id = c.tenant_id and u.id = :user
            left join enrollments as e on e.tenant_id = c.tenant_id and e.course_id = c.id and e.user_id = :user
            cross join lateral (
                select count(*) as total,
                       count(*) filter (where sb.status <> 'draft') as submitted,
                       count(sb.score) as graded,
                       round(avg(sb.score), 2) as average_score,
                       round(avg(sb.score * 100 / nullif(a.points, 0)), 2) as average_percent,
                       max(sb.submitted_at) as last_submitted_at
                from submissions as sb
                join assignments as a on a.tenant_id = sb.tenant_id and a.id = sb.assignment_id
                where sb.tenant_id = c.tenant_id and sb.user_id = :user and a.course_id = c.id
            ) as s
            cross join lateral (
                select count(*) as attempts,
                       count(qa.completed_at) as completed,
                       round(avg(qa.score), 2) as average_score,
                       max(coalesce(qa.completed_at, qa.started_at)) as last_attempt_at
                from quiz_attempts as qa
                join quizzes as qz on qz.tenant_id = qa.tenant_id and qz.id = qa.quiz_id
                where qa.tenant_id = c.tenant_id and qa.user_id = :user and qz.course_id = c.id
            ) as q
            cross join lateral (
                select count(*) as posts, max(dp.created_at) as last_post_at
                from discussion_posts as dp
                join discussions as di on di.tenant_id = dp.tenant_id and di.id = dp.discussion_id
                where dp.tenant_id = c.tenant_id and dp.user_id = :user and di.course_id = c.id
            ) as d
            cross join lateral (
                select max(l.start_time) as last_session_at
                from learning_sessions as l
                where l.tenant_id = c.tenant_id and l.user_id = :user and l.course_id = c.id
            ) as ls
            where c.tenant_id = :tenant and c.id = :course
            """;

    private final JdbcClient jdbc;

    EngagementQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** What {@link #engagement} found; {@code userId} is null when the user is not in the tenant. */
    record Row(
            long courseId,
            long instructorId,
            Long userId,
            String userName,
            String enrollmentStatus,
            Engagement.Submissions submissions,
            Engagement.QuizAttempts quizAttempts,
            Engagement.DiscussionPosts posts,
            Instant lastSessionAt) {}

    /**
     * The course (empty when the tenant has none of that id), the user and their enrollment in it
     * (null when absent), and each kind of work aggregated in its own lateral subquery: every
     * subquery starts from the user's rows (the (tenant_id, user_id) foreign-key indexes) and keeps
     * those of this course, so the cost follows the student's work, not the course's size.
     */
    Optional<Row> engagement(long tenant, long course, long user) {
        return jdbc.sql(ENGAGEMENT)
                .param("tenant", tenant)
                .param("course", course)
                .param("user", user)
                .query(EngagementQueries::row)
                .optional();
    }

    private static Row row(ResultSet rs, int n) throws SQLException {
        long userId = rs.getLong("user_id");
        boolean noUser = rs.wasNull();
        return new Row(
                rs.getLong("course_id"),
                rs.getLong("instructor_id"),
                noUser ? null : userId,
                rs.getString("full_name"),
                rs.getString("enrollment_status"),
                new Engagement.Submissions(
                        rs.getLong("assignments"),
                        rs.getLong("total"),
                        rs.getLong("submitted"),
                        rs.getLong("graded"),
                        rs.getBigDecimal("average_score"),
                        rs.getBigDecimal("average_percent"),
                        instant(rs, "last_submitted_at")),
                new Engagement.QuizAttempts(
                        rs.getLong("attempts"),
                        rs.getLong("completed"),
                        rs.getBigDecimal("quiz_average"),
                        instant(rs, "last_attempt_at")),
                new Engagement.DiscussionPosts(rs.getLong("posts"), instant(rs, "last_post_at")),
                instant(rs, "last_session_at"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
