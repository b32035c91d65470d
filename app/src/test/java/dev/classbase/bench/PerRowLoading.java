package dev.classbase.bench;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The baselines: the gradebook, the portfolio export and the at-risk report loaded row by row, as
 * an ORM's lazy loading does (a query per student and assignment, five lazy associations per
 * portfolio entry, a handful of queries per student). Each returns the digest its
 * service's result is compared with ({@link Digests}); the caller runs it in a read-only
 * transaction with the tenant bound, on the application's own pool, as the service runs.
 */
final class PerRowLoading {
    private final JdbcClient jdbc;

    PerRowLoading(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Students, assignments, then one query per student per assignment. */
    List<String> gradebook(long tenant, long sectionId) {
        Map<String, Object> section =
                jdbc.sql("""
                        select s.id, s.name, s.term, c.id as course_id, c.title, c.instructor_id
                        from sections as s join courses as c on c.tenant_id = s.tenant_id and c.id = s.course_id
                        where s.tenant_id = :t and s.id = :s
                        """).param("t", tenant).param("s", sectionId).query().singleRow();
        long course = ((Number) section.get("course_id")).longValue();
        List<long[]> students = jdbc.sql("""
                        select u.id from enrollments as e join users as u on u.tenant_id = e.tenant_id and u.id = e.user_id
                        where e.tenant_id = :t and e.section_id = :s and e.status <> 'dropped'
                        order by u.full_name, u.id
                        """)
                .param("t", tenant)
                .param("s", sectionId)
                .query((rs, n) -> new long[] {rs.getLong(1)})
                .list();
        List<Object[]> assignments = jdbc.sql("""
                        select id, due_at from assignments where tenant_id = :t and course_id = :c
                        order by due_at nulls last, id
                        """)
                .param("t", tenant)
                .param("c", course)
                .query((rs, n) -> new Object[] {rs.getLong(1), rs.getObject(2, OffsetDateTime.class)})
                .list();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<String> digest = new ArrayList<>();
        for (long[] student : students) {
            List<String> cells = new ArrayList<>();
            int missing = 0;
            for (Object[] a : assignments) {
                Object[] s = first(jdbc.sql("""
                                select status, score from submissions
                                where tenant_id = :t and assignment_id = :a and user_id = :u
                                """)
                        .param("t", tenant)
                        .param("a", a[0])
                        .param("u", student[0])
                        .query((rs, n) -> new Object[] {rs.getString(1), rs.getBigDecimal(2)})
                        .list());
                OffsetDateTime due = (OffsetDateTime) a[1];
                boolean isDue = due != null && due.isBefore(now);
                boolean handedIn = s != null && !s[0].equals("draft");
                String status = handedIn ? (String) s[0] : isDue ? "missing" : s != null ? (String) s[0] : "not_due";
                if (!handedIn && isDue) {
                    missing++;
                }
                cells.add(Digests.cell((Long) a[0], status, s == null ? null : (BigDecimal) s[1]));
            }
            digest.add(Digests.gradebookRow(student[0], missing, cells));
        }
        return digest;
    }

    /**
     * The portfolio, its owner and entries, then per entry its submission (and that one's
     * assignment), quiz attempt (and quiz), resource, standards and comments (and each comment's
     * author), each association loaded lazily.
     */
    List<String> portfolio(long tenant, long portfolioId) {
        Map<String, Object> p = jdbc.sql(
                        "select id, user_id, title, visibility from portfolios where tenant_id = :t and id = :p")
                .param("t", tenant)
                .param("p", portfolioId)
                .query()
                .singleRow();
        long owner = ((Number) p.get("user_id")).longValue();
        String ownerName = user(tenant, owner);
        List<Map<String, Object>> entries =
                jdbc.sql("""
                        select id, title, submission_id, quiz_attempt_id, resource_id from portfolio_entries
                        where tenant_id = :t and portfolio_id = :p order by created_at, id
                        """).param("t", tenant).param("p", portfolioId).query().listOfRows();
        List<String> digest = new ArrayList<>();
        digest.add(Digests.portfolioHeader(portfolioId, owner, ownerName, entries.size()));
        for (Map<String, Object> e : entries) {
            long entry = ((Number) e.get("id")).longValue();
            String submission = null;
            if (e.get("submission_id") != null) {
                Map<String, Object> s = row(
                        "select id, assignment_id, status, score from submissions where tenant_id = :t and id = :id",
                        tenant,
                        e.get("submission_id"));
                Map<String, Object> a = row(
                        "select title from assignments where tenant_id = :t and id = :id",
                        tenant,
                        s.get("assignment_id"));
                submission = Digests.submission(
                        (Long) s.get("id"), (String) s.get("status"), (BigDecimal) s.get("score"), (String)
                                a.get("title"));
            }
            String attempt = null;
            if (e.get("quiz_attempt_id") != null) {
                Map<String, Object> qa = row(
                        "select id, quiz_id, score from quiz_attempts where tenant_id = :t and id = :id",
                        tenant,
                        e.get("quiz_attempt_id"));
                Map<String, Object> q =
                        row("select title from quizzes where tenant_id = :t and id = :id", tenant, qa.get("quiz_id"));
                attempt = Digests.attempt((Long) qa.get("id"), (BigDecimal) qa.get("score"), (String) q.get("title"));
            }
            String resource = null;
            if (e.get("resource_id") != null) {
                Map<String, Object> r = row(
                        "select id, title, kind from resources where tenant_id = :t and id = :id",
                        tenant,
                        e.get("resource_id"));
                resource = Digests.resource((Long) r.get("id"), (String) r.get("title"), (String) r.get("kind"));
            }
            List<String> standards = jdbc.sql("""
                            select sd.code from portfolio_entry_standards as pes
                            join standards as sd on sd.tenant_id = pes.tenant_id and sd.id = pes.standard_id
                            where pes.tenant_id = :t and pes.portfolio_entry_id = :e order by sd.code
                            """)
                    .param("t", tenant)
                    .param("e", entry)
                    .query(String.class)
                    .list();
            List<String> comments = new ArrayList<>();
            for (Map<String, Object> c :
                    jdbc.sql("""
                            select id, user_id from portfolio_comments
                            where tenant_id = :t and portfolio_entry_id = :e order by created_at, id
                            """).param("t", tenant).param("e", entry).query().listOfRows()) {
                comments.add(Digests.comment((Long) c.get("id"), user(tenant, (Long) c.get("user_id"))));
            }
            digest.add(
                    Digests.entry(entry, (String) e.get("title"), submission, attempt, resource, standards, comments));
        }
        return digest;
    }

    /**
     * The course, its enrollment count (a COUNT(*), as before the counter caches), the roster, then
     * four queries per student: missing work, grade average and last submission, last activity
     * log, last learning session.
     */
    List<String> atRisk(long tenant, long courseId, Instant asOf, BigDecimal scoreBelow, int inactiveDays) {
        OffsetDateTime at = OffsetDateTime.ofInstant(asOf, ZoneOffset.UTC);
        row("select id, instructor_id from courses where tenant_id = :t and id = :id", tenant, courseId);
        long enrolled = jdbc.sql("""
                        select count(*) from enrollments where tenant_id = :t and course_id = :c and status = 'active'
                        """)
                .param("t", tenant)
                .param("c", courseId)
                .query(Long.class)
                .single();
        List<Long> roster = jdbc.sql("""
                        select u.id from enrollments as e join users as u on u.tenant_id = e.tenant_id and u.id = e.user_id
                        where e.tenant_id = :t and e.course_id = :c and e.status = 'active'
                        order by u.full_name, u.id
                        """)
                .param("t", tenant)
                .param("c", courseId)
                .query(Long.class)
                .list();
        Instant quietSince = asOf.minus(Duration.ofDays(inactiveDays));
        List<String> digest = new ArrayList<>();
        digest.add(Digests.atRiskHeader((int) enrolled));
        for (long student : roster) {
            int missing = jdbc.sql("""
                            select count(*) from assignments as a
                            where a.tenant_id = :t and a.course_id = :c and a.due_at < :asOf
                              and not exists (select 1 from submissions as s
                                              where s.tenant_id = :t and s.assignment_id = a.id and s.user_id = :u
                                                and s.status <> 'draft'
                                                and (s.submitted_at is null or s.submitted_at < :asOf))
                            """)
                    .param("t", tenant)
                    .param("c", courseId)
                    .param("u", student)
                    .param("asOf", at)
                    .query(Integer.class)
                    .single();
            Object[] grades = jdbc.sql("""
                            select round(avg(s.score * 100 / nullif(a.points, 0)), 2), max(s.submitted_at)
                            from submissions as s join assignments as a on a.tenant_id = s.tenant_id and a.id = s.assignment_id
                            where s.tenant_id = :t and s.user_id = :u and a.course_id = :c and s.status <> 'draft'
                              and (s.submitted_at is null or s.submitted_at < :asOf)
                            """)
                    .param("t", tenant)
                    .param("c", courseId)
                    .param("u", student)
                    .param("asOf", at)
                    .query((rs, n) -> new Object[] {rs.getBigDecimal(1), instant(rs, 2)})
                    .single();
            Instant log = latest("""
                    select max(created_at) from activity_logs
                    where tenant_id = :t and user_id = :u and created_at < :asOf
                    """, tenant, courseId, student, at);
            Instant session = latest("""
                    select max(start_time) from learning_sessions
                    where tenant_id = :t and user_id = :u and course_id = :c and start_time < :asOf
                    """, tenant, courseId, student, at);
            BigDecimal average = (BigDecimal) grades[0];
            Instant last = max(max((Instant) grades[1], log), session);
            List<String> reasons = new ArrayList<>();
            if (missing > 0) {
                reasons.add("missing_work");
            }
            if (average != null && average.compareTo(scoreBelow) < 0) {
                reasons.add("low_scores");
            }
            if (last == null || last.isBefore(quietSince)) {
                reasons.add("low_activity");
            }
            if (!reasons.isEmpty()) {
                digest.add(Digests.atRiskStudent(student, reasons, missing, average, last));
            }
        }
        return digest;
    }

    private Instant latest(String sql, long tenant, long course, long student, OffsetDateTime asOf) {
        return jdbc.sql(sql)
                .param("t", tenant)
                .param("c", course)
                .param("u", student)
                .param("asOf", asOf)
                .query((rs, n) -> instant(rs, 1))
                .list()
                .getFirst();
    }

    private String user(long tenant, long id) {
        return (String) row("select id, full_name from users where tenant_id = :t and id = :id", tenant, id)
                .get("full_name");
    }

    private Map<String, Object> row(String sql, long tenant, Object id) {
        return jdbc.sql(sql).param("t", tenant).param("id", id).query().singleRow();
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static Instant max(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }

    private static <T> T first(List<T> rows) {
        return rows.isEmpty() ? null : rows.getFirst();
    }
}
