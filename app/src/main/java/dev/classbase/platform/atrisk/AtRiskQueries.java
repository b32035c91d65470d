package dev.classbase.platform.atrisk;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The at-risk SQL: the course, then every active student of it with their reasons, computed set
 * based in one statement (seed 000's per-student loop, batch-loaded).
 */
@Component
class AtRiskQueries {
    static final String COURSE = """
            select c.id, c.instructor_id,
                   (select count(*) from enrollments as e
                    where e.tenant_id = c.tenant_id and e.course_id = c.id and e.status = 'active') as enrolled
            from courses as c
            where c.tenant_id = :tenant and c.id = :course
            """;

    static final String AT_RISK = """
            with roster as (
                select e.user_id, u.full_name, u.email
                from enrollments as e
                join users as u on u.tenant_id = e.tenant_id and u.id = e.user_id
                where e.tenant_id = :tenant and e.course_id = :course and e.status = 'active'
            ), work as (
                select a.id, a.points, a.due_at
                from assignments as a
                where a.tenant_id = :tenant and a.course_id = :course
            ), handed_in as (
                select s.user_id, s.assignment_id, s.score, s.submitted_at, w.points, w.due_at
                from work as w
                join submissions as s on s.tenant_id = :tenant and s.assignment_id = w.id
                where s.user_id in (select user_id from roster) and s.status <> 'draft'
                  and (s.submitted_at is null or s.submitted_at < :asOf)
            ), per_student as (
                select h.user_id,
                       count(*) filter (where h.due_at < :asOf) as handed_in_due,
                       round(avg(h.score * 100 / nullif(h.points, 0)), 2) as average_percent,
                       max(h.submitted_at) as last_submitted_at
                from handed_in as h
                group by h.user_id
            ), scored as (
                select r.user_id, r.full_name, r.email,
                       (select count(*) from work as w where w.due_at < :asOf)
                           - coalesce(p.handed_in_due, 0) as missing,
                       p.average_percent,
                       greatest(p.last_submitted_at, al.last_at, ls.last_at) as last_activity_at
                from roster as r
                left join per_student as p on p.user_id = r.user_id
                cross join lateral (
                    select max(l.created_at) as last_at
                    from activity_logs as l
                    where l.tenant_id = :tenant and l.user_id = r.user_id and l.created_at < :asOf
                ) as al
                cross join lateral (
                    select max(l.start_time) as last_at
                    from learning_sessions as l
                    where l.tenant_id = :tenant and l.user_id = r.user_id and l.course_id = :course
                      and l.start_time < :asOf
                ) as ls
            ), reasoned as (
                select s.*,
                       array_remove(array[
                           case when s.missing > 0 then 'missing_work' end,
                           case when s.average_percent < :scoreBelow then 'low_scores' end,
                           case when s.last_activity_at is null
                                     or s.last_activity_at < :asOf - make_interval(days => :inactiveDays)
                                then 'low_activity' end], null) as reasons
                from scored as s
            )
            select user_id, full_name, email, reasons, missing, average_percent, last_activity_at
            from reasoned
            where cardinality(reasons) > 0
            order by full_name, user_id
            """;

    private final JdbcClient jdbc;

    AtRiskQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Course(long id, long instructorId, int enrolled) {}

    /** The course and how many students are actively enrolled in it. */
    Optional<Course> course(long tenant, long course) {
        return jdbc.sql(COURSE)
                .param("tenant", tenant)
                .param("course", course)
                .query((rs, n) -> new Course(rs.getLong("id"), rs.getLong("instructor_id"), rs.getInt("enrolled")))
                .optional();
    }

    /**
     * Active students of the course with at least one reason. Per student: past-due assignments
     * (due before {@code asOf}) with no handed-in submission, the mean grade in percent, and the
     * latest activity before {@code asOf} of three kinds: an activity log (newest first on the
     * (tenant_id, user_id, created_at desc) index, one row per partition), a learning session in
     * the course, a submission in the course. Submissions are read once for the whole roster
     * through the (tenant_id, assignment_id, user_id) key, never per student.
     */
    List<AtRiskReport.Student> atRisk(long tenant, long course, Instant asOf, BigDecimal scoreBelow, int inactiveDays) {
        return jdbc.sql(AT_RISK)
                .param("tenant", tenant)
                .param("course", course)
                .param("asOf", OffsetDateTime.ofInstant(asOf, ZoneOffset.UTC))
                .param("scoreBelow", scoreBelow)
                .param("inactiveDays", inactiveDays)
                .query(AtRiskQueries::student)
                .list();
    }

    private static AtRiskReport.Student student(ResultSet rs, int n) throws SQLException {
        Array reasons = rs.getArray("reasons");
        OffsetDateTime last = rs.getObject("last_activity_at", OffsetDateTime.class);
        return new AtRiskReport.Student(
                rs.getLong("user_id"),
                rs.getString("full_name"),
                rs.getString("email"),
                List.copyOf(Arrays.asList((String[]) reasons.getArray())),
                rs.getInt("missing"),
                rs.getBigDecimal("average_percent"),
                last == null ? null : last.toInstant());
    }
}
