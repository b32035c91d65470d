package dev.classbase.bench;

import dev.classbase.platform.fixtures.Classroom;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestCluster;
import java.time.Duration;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A {@link Classroom} filled in for the platform benchmarks, written as the owner on the primary:
 * Classroom alone has one submission per student, which would make the per-row baselines look
 * cheap and the at-risk report trivial. On top of it:
 *
 * <ul>
 *   <li>past-due work: 4 in 5 (student, assignment) pairs handed in, most graded (40 to 100),
 *       every 4th student hands in only every 3rd assignment; a few drafts of future work;
 *   <li>activity: 5 activity logs and 3 learning sessions per student, none for every 4th;
 *   <li>a portfolio of student 1, shared with teachers: one entry per assignment, linking its
 *       submission if any, a quiz attempt on every 3rd, a resource on every 2nd, 2 standards each,
 *       2 or 3 comments each.
 * </ul>
 */
record BenchClassroom(Classroom classroom, long portfolioId) {

    static BenchClassroom create(int students, int assignments) {
        Classroom c = Classroom.create(students, assignments);
        JdbcClient db = JdbcClient.create(TestCluster.shared().primaryDataSource());
        long student = c.studentIds().getFirst();
        db.sql("""
                        with u as (select id, row_number() over (order by id) as n
                                   from users where tenant_id = :t and role = 'student'),
                             a as (select id, due_at, row_number() over (order by due_at, id) as n
                                   from assignments where tenant_id = :t and course_id = :c)
                        insert into submissions (tenant_id, assignment_id, user_id, status, score, body,
                                                 submitted_at, graded_at)
                        select :t, a.id, u.id,
                               case when a.due_at > now() then 'draft'
                                    when (u.n + a.n) % 7 = 0 then 'submitted' else 'graded' end,
                               case when a.due_at < now() and (u.n + a.n) % 7 <> 0
                                    then 40 + (u.n * 7 + a.n * 13) % 61 end,
                               'work',
                               case when a.due_at < now() then a.due_at - interval '1 hour' end,
                               case when a.due_at < now() and (u.n + a.n) % 7 <> 0 then a.due_at + interval '1 day' end
                        from u cross join a
                        where a.n > 1 -- Classroom graded the first assignment already
                          and ((a.due_at < now() and (u.n + a.n) % 5 <> 0 and (u.n % 4 <> 0 or a.n % 3 = 0))
                               or (a.due_at > now() and (u.n + a.n) % 4 = 0))
                        """).param("t", c.tenantId()).param("c", c.courseId()).update();
        db.sql("""
                        insert into activity_logs (tenant_id, user_id, action, target, created_at)
                        select :t, u.id, 'viewed', 'course', now() - interval '1 day' * k * (u.id % 5 + 1)
                        from users as u cross join generate_series(1, 5) as k
                        where u.tenant_id = :t and u.role = 'student' and u.id % 4 <> 0
                        """).param("t", c.tenantId()).update();
        db.sql("""
                        insert into learning_sessions (tenant_id, user_id, course_id, start_time, end_time)
                        select :t, u.id, :c, now() - interval '1 day' * (k * 7 + u.id % 10),
                               now() - interval '1 day' * (k * 7 + u.id % 10) + interval '30 minutes'
                        from users as u cross join generate_series(1, 3) as k
                        where u.tenant_id = :t and u.role = 'student' and u.id % 4 <> 0
                        """).param("t", c.tenantId()).param("c", c.courseId()).update();
        db.sql("""
                        insert into quiz_attempts (tenant_id, quiz_id, user_id, score, started_at, completed_at)
                        select :t, :q, :u, 50 + k * 2, now() - interval '1 day' * k - interval '20 minutes',
                               now() - interval '1 day' * k
                        from generate_series(1, :n) as k
                        """)
                .param("t", c.tenantId())
                .param("q", c.quizId())
                .param("u", student)
                .param("n", Math.max(1, assignments / 3))
                .update();
        db.sql("""
                        insert into resources (tenant_id, course_id, created_by, title, kind, url)
                        select :t, :c, :teacher, 'Resource ' || k, (array['link', 'document', 'video', 'file'])[1 + k % 4],
                               'https://example.org/resources/' || k
                        from generate_series(1, :n) as k
                        """)
                .param("t", c.tenantId())
                .param("c", c.courseId())
                .param("teacher", c.teacherId())
                .param("n", Math.max(1, assignments / 2))
                .update();
        db.sql("""
                        insert into standards (tenant_id, code, subject, grade_level, description)
                        select :t, 'MATH.9.' || lpad(k::text, 2, '0'), 'mathematics', '9', 'Standard ' || k
                        from generate_series(1, 12) as k
                        """).param("t", c.tenantId()).update();
        long portfolio = db.sql("""
                        insert into portfolios (tenant_id, user_id, title, visibility)
                        values (:t, :u, 'My year in algebra', 'teachers') returning id
                        """)
                .param("t", c.tenantId())
                .param("u", student)
                .query(Long.class)
                .single();
        db.sql("""
                        with a as (select id, title, row_number() over (order by due_at, id) as k
                                   from assignments where tenant_id = :t and course_id = :c),
                             qa as (select id, row_number() over (order by id) as n
                                    from quiz_attempts where tenant_id = :t and user_id = :u),
                             r as (select id, row_number() over (order by id) as n
                                   from resources where tenant_id = :t)
                        insert into portfolio_entries (tenant_id, portfolio_id, title, reflection, submission_id,
                                                       quiz_attempt_id, resource_id, created_at)
                        select :t, :p, 'On ' || a.title, 'What I learned in ' || a.title, s.id, qa.id, r.id,
                               now() - interval '1 hour' * (1000 - a.k)
                        from a
                        left join submissions as s
                          on s.tenant_id = :t and s.assignment_id = a.id and s.user_id = :u and s.status <> 'draft'
                        left join qa on qa.n * 3 = a.k
                        left join r on r.n * 2 = a.k
                        """)
                .param("t", c.tenantId())
                .param("c", c.courseId())
                .param("u", student)
                .param("p", portfolio)
                .update();
        db.sql("""
                        with e as (select id, row_number() over (order by created_at, id) as k
                                   from portfolio_entries where tenant_id = :t and portfolio_id = :p),
                             sd as (select id, row_number() over (order by code) as n
                                    from standards where tenant_id = :t)
                        insert into portfolio_entry_standards (tenant_id, portfolio_entry_id, standard_id)
                        select :t, e.id, sd.id from e join sd on sd.n in (e.k % 12 + 1, (e.k + 5) % 12 + 1)
                        """).param("t", c.tenantId()).param("p", portfolio).update();
        db.sql("""
                        insert into portfolio_comments (tenant_id, portfolio_entry_id, user_id, body, created_at)
                        select :t, e.id, x.user_id, 'Comment ' || x.ord || ' on ' || e.title,
                               e.created_at + interval '1 minute' * x.ord
                        from portfolio_entries as e
                        cross join (values (1, :teacher), (2, :student), (3, :admin)) as x (ord, user_id)
                        where e.tenant_id = :t and e.portfolio_id = :p and (x.ord < 3 or e.id % 4 = 0)
                        """)
                .param("t", c.tenantId())
                .param("p", portfolio)
                .param("teacher", c.teacherId())
                .param("student", student)
                .param("admin", c.adminId())
                .update();
        // fresh statistics for the new tenant, as autovacuum gives a live database: without them
        // the planner takes the tenant for empty and loops where it should hash
        db.sql("analyze").update();
        awaitReplicas(db, c.tenantId());
        return new BenchClassroom(c, portfolio);
    }

    /** Waits until every replica shows the same row counts of this tenant as the primary. */
    private static void awaitReplicas(JdbcClient primary, long tenant) {
        String counts = """
                select (select count(*) from submissions where tenant_id = :t) || '/'
                    || (select count(*) from portfolio_comments where tenant_id = :t) || '/'
                    || (select count(*) from learning_sessions where tenant_id = :t) || '/'
                    || (select count(*) from activity_logs where tenant_id = :t)
                """;
        String expected =
                primary.sql(counts).param("t", tenant).query(String.class).single();
        TestCluster cluster = TestCluster.shared();
        for (int i = 0; i < cluster.cluster().replicas().size(); i++) {
            JdbcClient replica = JdbcClient.create(cluster.replicaDataSource(i));
            try {
                if (Await.until(
                                Duration.ofSeconds(60),
                                () -> expected.equals(replica.sql(counts)
                                                .param("t", tenant)
                                                .query(String.class)
                                                .single())
                                        ? Boolean.TRUE
                                        : null)
                        == null) {
                    throw new IllegalStateException("replica " + i + " did not catch up with tenant " + tenant);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    List<Long> students() {
        return classroom.studentIds();
    }
}
