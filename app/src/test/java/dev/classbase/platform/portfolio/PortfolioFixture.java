package dev.classbase.platform.portfolio;

import dev.classbase.platform.fixtures.Classroom;
import dev.classbase.platform.fixtures.Replicas;
import dev.classbase.testsupport.TestCluster;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A portfolio of {@code entries} entries, owned by student 0 of a {@link Classroom} of 2 students
 * (written as the owner). Entry {@code i} (1-based, created {@code i} minutes apart, oldest first)
 * links the student's graded submission of assignment {@code i}, a completed attempt at the quiz,
 * a resource of the course, standards {@code STD-1} and {@code STD-2}, and two comments: the
 * teacher's, then the student's.
 */
record PortfolioFixture(Classroom classroom, long portfolioId, int entries) {

    static PortfolioFixture create(int entries, String visibility) {
        Classroom room = Classroom.create(2, entries);
        JdbcClient db = JdbcClient.create(TestCluster.shared().primaryDataSource());
        long tenant = room.tenantId();
        long student = room.studentIds().getFirst();
        // Classroom graded assignment 1 for everyone; the owner hands in the rest too
        db.sql("""
                        insert into submissions (tenant_id, assignment_id, user_id, status, score, body, submitted_at, graded_at)
                        select :t, a.id, :u, 'graded', 90, 'work', now() - interval '2 days', now() - interval '1 day'
                        from assignments as a
                        where a.tenant_id = :t and a.course_id = :c
                          and not exists (select 1 from submissions as s
                                          where s.tenant_id = :t and s.assignment_id = a.id and s.user_id = :u)
                        """)
                .param("t", tenant)
                .param("c", room.courseId())
                .param("u", student)
                .update();
        db.sql("""
                        insert into standards (tenant_id, code, subject, grade_level, description)
                        select :t, 'STD-' || n, 'mathematics', '9', 'Standard ' || n from generate_series(1, 3) as n
                        """).param("t", tenant).update();
        long portfolio = db.sql("""
                        insert into portfolios (tenant_id, user_id, title, visibility)
                        values (:t, :u, 'My year', :v) returning id
                        """)
                .param("t", tenant)
                .param("u", student)
                .param("v", visibility)
                .query(Long.class)
                .single();
        db.sql("""
                        with work as (
                            select row_number() over (order by a.id) as n, s.id as submission_id
                            from assignments as a
                            join submissions as s on s.tenant_id = a.tenant_id and s.assignment_id = a.id and s.user_id = :u
                            where a.tenant_id = :t and a.course_id = :c
                        ), attempts as (
                            insert into quiz_attempts (tenant_id, quiz_id, user_id, score, started_at, completed_at)
                            select :t, :q, :u, 60 + n, now() - interval '3 days', now() - interval '3 days' + interval '15 minutes'
                            from work
                            returning id
                        ), resources_made as (
                            insert into resources (tenant_id, course_id, created_by, title, kind, url)
                            select :t, :c, :teacher, 'Reading ' || n, 'link', 'https://example.org/' || n
                            from work
                            returning id
                        ), numbered_attempts as (
                            select row_number() over (order by id) as n, id from attempts
                        ), numbered_resources as (
                            select row_number() over (order by id) as n, id from resources_made
                        )
                        insert into portfolio_entries (tenant_id, portfolio_id, title, reflection, submission_id,
                                                       quiz_attempt_id, resource_id, created_at)
                        select :t, :p, 'Entry ' || w.n, 'I learned ' || w.n, w.submission_id, na.id, nr.id,
                               now() - interval '1 day' + make_interval(mins => w.n::int)
                        from work as w
                        join numbered_attempts as na on na.n = w.n
                        join numbered_resources as nr on nr.n = w.n
                        """)
                .param("t", tenant)
                .param("c", room.courseId())
                .param("u", student)
                .param("q", room.quizId())
                .param("teacher", room.teacherId())
                .param("p", portfolio)
                .update();
        db.sql("""
                        insert into portfolio_entry_standards (tenant_id, portfolio_entry_id, standard_id)
                        select :t, pe.id, s.id
                        from portfolio_entries as pe
                        join standards as s on s.tenant_id = pe.tenant_id and s.code in ('STD-1', 'STD-2')
                        where pe.tenant_id = :t and pe.portfolio_id = :p
                        """).param("t", tenant).param("p", portfolio).update();
        db.sql("""
                        insert into portfolio_comments (tenant_id, portfolio_entry_id, user_id, body, created_at)
                        select :t, pe.id, who.user_id, who.body, pe.created_at + make_interval(mins => who.k)
                        from portfolio_entries as pe
                        cross join (values (1, cast(:teacher as bigint), 'Well done'), (2, cast(:u as bigint), 'Thanks'))
                            as who (k, user_id, body)
                        where pe.tenant_id = :t and pe.portfolio_id = :p
                        """)
                .param("t", tenant)
                .param("p", portfolio)
                .param("teacher", room.teacherId())
                .param("u", student)
                .update();
        Replicas.await("""
                select exists (select 1 from portfolios where tenant_id = :t and id = :p)
                   and (select count(*) from portfolio_comments where tenant_id = :t) = :n
                """, Map.of("t", tenant, "p", portfolio, "n", entries * 2));
        return new PortfolioFixture(room, portfolio, entries);
    }
}
