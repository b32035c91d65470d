package dev.classbase.platform.progress;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The progress SQL: one statement per course and user. */
@Component
class ProgressQueries {
    static final String PROGRESS = """
            select c.id as course_id, c.instructor_id,
                   exists (select 1 from users as u where u.tenant_id = c.tenant_id and u.id = :user) as user_exists,
                   l.id as lesson_id, l.position, l.title,
                   p.status, p.percent, p.updated_at, p.completed_at
            from courses as c
            left join lessons as l on l.tenant_id = c.tenant_id and l.course_id = c.id
            left join progress as p
                   on p.tenant_id = l.tenant_id and p.user_id = :user and p.lesson_id = l.id
            where c.tenant_id = :tenant and c.id = :course
            order by l.position
            """;

    private final JdbcClient jdbc;

    ProgressQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Result(long courseId, long instructorId, boolean userExists, List<CourseProgress.Lesson> lessons) {}

    /**
     * The course (empty when the tenant has none of that id), whether the user exists, and every
     * lesson left-joined to the user's progress row. progress is hash-partitioned by user_id:
     * the equality on user_id prunes the join to the user's one partition, read by its primary
     * key (tenant_id, user_id, lesson_id).
     */
    Optional<Result> progress(long tenant, long course, long user) {
        return jdbc.sql(PROGRESS)
                .param("tenant", tenant)
                .param("course", course)
                .param("user", user)
                .query(ProgressQueries::collect);
    }

    private static Optional<Result> collect(ResultSet rs) throws SQLException {
        if (!rs.next()) {
            return Optional.empty();
        }
        long courseId = rs.getLong("course_id");
        long instructorId = rs.getLong("instructor_id");
        boolean userExists = rs.getBoolean("user_exists");
        List<CourseProgress.Lesson> lessons = new ArrayList<>();
        do {
            long lessonId = rs.getLong("lesson_id");
            if (rs.wasNull()) {
                break; // a course without lessons: one row of nulls
            }
            String status = rs.getString("status");
            lessons.add(new CourseProgress.Lesson(
                    lessonId,
                    rs.getInt("position"),
                    rs.getString("title"),
                    status == null ? "not_started" : status,
                    rs.getInt("percent"),
                    instant(rs, "updated_at"),
                    instant(rs, "completed_at")));
        } while (rs.next());
        return Optional.of(new Result(courseId, instructorId, userExists, lessons));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
