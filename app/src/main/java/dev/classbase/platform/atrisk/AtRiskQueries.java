package dev.classbase.platform.atrisk;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The at-risk SQL: the course and every active student of it with their reasons, computed set
 * based in one statement (never a query per student), inside
 * classbase_at_risk (V67) so that its plan is kept per connection.
 */
@Component
class AtRiskQueries {
    /*
     * One call of classbase_at_risk (V67, where the students' query and why it is shaped so are),
     * whose queries PL/pgSQL plans once per connection instead of on every call: as a statement of
     * its own the report was planned every time (PostgreSQL kept choosing custom plans for pgjdbc's
     * named statement, and behind PgBouncer, prepareThreshold=0, nothing stays prepared), 0.7 ms
     * of planning before 1.2 ms of execution at 40 x 60 (EXPLAIN ANALYZE, bench data). The course
     * and its roster size come first in the same call, one round trip less than a statement of
     * their own.
     *
     * The first row is the course's: instructor_id and enrolled, the student columns null. No row:
     * no such course in the tenant. :instructor (null for an admin) names the teacher who asks;
     * another teacher's course returns its row alone, no students, and the service answers 403.
     */
    static final String AT_RISK = """
            select instructor_id, enrolled, user_id, full_name, email, reasons, missing, average_percent,
                   last_activity_at
            from classbase_at_risk(:tenant, :course, :instructor, :asOf, :since, :scoreBelow, :inactiveDays)
            """;

    // AT_RISK's columns, read by position
    private static final int INSTRUCTOR_ID = 1;
    private static final int ENROLLED = 2;
    private static final int USER_ID = 3;
    private static final int FULL_NAME = 4;
    private static final int EMAIL = 5;
    private static final int REASONS = 6;
    private static final int MISSING = 7;
    private static final int AVERAGE_PERCENT = 8;
    private static final int LAST_ACTIVITY_AT = 9;

    private final JdbcClient jdbc;

    AtRiskQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Course(long instructorId, int enrolled) {}

    /** The course, and its students with at least one reason (none when {@code instructor} is not its teacher). */
    record Report(Course course, List<AtRiskReport.Student> students) {}

    /**
     * The course and its active students with at least one reason, or empty when the tenant has no
     * such course. Per student: past-due assignments (due before {@code asOf}) with no handed-in
     * submission, the mean grade in percent, and the latest activity before {@code asOf} of three
     * kinds: an activity log, a learning session in the course, a submission in the course.
     * Submissions are read once per assignment of the course through the (tenant_id,
     * assignment_id, user_id) key and the course's learning sessions of the last {@code
     * inactiveDays} once, both aggregated per student in one pass; activity logs, which are not per
     * course, are probed per student in those days only. Students with no activity in those days
     * get their older history from V66's function (newest first on the (tenant_id, user_id,
     * created_at desc) index, one probe per month).
     *
     * @param instructor null for every course (an admin), else the students only if this user
     *     teaches the course
     */
    Optional<Report> atRisk(
            long tenant, long course, Long instructor, Instant asOf, BigDecimal scoreBelow, int inactiveDays) {
        return jdbc.sql(AT_RISK)
                .param("tenant", tenant)
                .param("course", course)
                .param("instructor", instructor, Types.BIGINT) // typed: a null needs no metadata round trip
                .param("asOf", OffsetDateTime.ofInstant(asOf, ZoneOffset.UTC))
                .param("since", OffsetDateTime.ofInstant(asOf.minus(Duration.ofDays(inactiveDays)), ZoneOffset.UTC))
                .param("scoreBelow", scoreBelow)
                .param("inactiveDays", inactiveDays)
                .query(AtRiskQueries::report);
    }

    private static Optional<Report> report(ResultSet rs) throws SQLException {
        if (!rs.next()) {
            return Optional.empty();
        }
        Course course = new Course(rs.getLong(INSTRUCTOR_ID), rs.getInt(ENROLLED));
        List<AtRiskReport.Student> students = new ArrayList<>();
        while (rs.next()) {
            students.add(student(rs));
        }
        return Optional.of(new Report(course, List.copyOf(students)));
    }

    private static AtRiskReport.Student student(ResultSet rs) throws SQLException {
        Array reasons = rs.getArray(REASONS);
        OffsetDateTime last = rs.getObject(LAST_ACTIVITY_AT, OffsetDateTime.class);
        return new AtRiskReport.Student(
                rs.getLong(USER_ID),
                rs.getString(FULL_NAME),
                rs.getString(EMAIL),
                List.copyOf(Arrays.asList((String[]) reasons.getArray())),
                rs.getInt(MISSING),
                rs.getBigDecimal(AVERAGE_PERCENT),
                last == null ? null : last.toInstant());
    }
}
