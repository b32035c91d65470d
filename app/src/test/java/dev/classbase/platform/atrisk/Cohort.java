package dev.classbase.platform.atrisk;

import dev.classbase.platform.fixtures.Replicas;
import dev.classbase.seed.DemoAccounts;
import dev.classbase.testsupport.TestCluster;
import dev.classbase.web.auth.Caller;
import dev.classbase.web.auth.Role;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A course of a test's own, in a new tenant of the shared classbase database (written as the
 * owner; demo rows are never touched), shaped for engagement, at-risk and progress:
 *
 * <ul>
 *   <li>an admin, the course's teacher, a second teacher (no course), {@code students} students,
 *       all enrolled (active) in one published course with 6 lessons, a quiz and a discussion;
 *   <li>{@code assignments} assignments of 100 points, the first half past due (days ago), the
 *       rest due in the future;
 *   <li>every fourth student (index 3, 7, ...) is at risk: handed in only the first assignment, 30
 *       days ago, graded 40, and has no other activity; every other student handed in every
 *       past-due assignment yesterday (graded 85), has an activity log and a learning session
 *       from yesterday;
 *   <li>every student: one completed quiz attempt (70), two discussion posts, lesson 1 completed
 *       and lesson 2 half done.
 * </ul>
 */
public record Cohort(
        long tenantId,
        String slug,
        long adminId,
        long teacherId,
        long otherTeacherId,
        long courseId,
        List<Long> studentIds,
        List<Long> assignmentIds) {

    public static final int LESSONS = 6;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static String passwordHash;

    public static synchronized Cohort create(int students, int assignments) {
        if (passwordHash == null) {
            passwordHash = DemoAccounts.passwordHash(); // bcrypt: once per JVM
        }
        JdbcClient db = JdbcClient.create(TestCluster.shared().primaryDataSource());
        String slug = "cohort-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        long tenant = db.sql("insert into tenants (name, slug) values (:slug, :slug) returning id")
                .param("slug", slug)
                .query(Long.class)
                .single();
        long admin = user(db, tenant, "admin@" + slug + ".demo", "Admin One", "admin");
        long teacher = user(db, tenant, "teacher1@" + slug + ".demo", "Teacher One", "teacher");
        long otherTeacher = user(db, tenant, "teacher2@" + slug + ".demo", "Teacher Two", "teacher");
        List<Long> studentIds = db.sql("""
                        insert into users (tenant_id, email, full_name, role, password_hash)
                        select :t, 'student' || n || '@' || :slug || '.demo', 'Student ' || lpad(n::text, 3, '0'),
                               'student', :hash
                        from generate_series(1, :n) as n
                        order by n
                        returning id
                        """)
                .param("t", tenant)
                .param("slug", slug)
                .param("hash", passwordHash)
                .param("n", students)
                .query(Long.class)
                .list();
        long course = db.sql("""
                        insert into courses (tenant_id, title, category, status, instructor_id, published_at)
                        values (:t, 'Cohort Biology', 'science', 'published', :teacher, now()) returning id
                        """)
                .param("t", tenant)
                .param("teacher", teacher)
                .query(Long.class)
                .single();
        long section = db.sql("""
                        insert into sections (tenant_id, course_id, name, term) values (:t, :c, 'Period 1', '2026 Fall')
                        returning id
                        """)
                .param("t", tenant)
                .param("c", course)
                .query(Long.class)
                .single();
        List<Long> assignmentIds = db.sql("""
                        insert into assignments (tenant_id, course_id, title, due_at, points)
                        select :t, :c, 'Assignment ' || n,
                               case when n <= :n / 2 then now() - make_interval(days => :n - n + 2)
                                    else now() + make_interval(days => n) end,
                               100
                        from generate_series(1, :n) as n
                        order by n
                        returning id
                        """)
                .param("t", tenant)
                .param("c", course)
                .param("n", assignments)
                .query(Long.class)
                .list();
        // at_risk: every fourth student by position
        String roster = """
                with roster as (
                    select u.id, row_number() over (order by u.id) % 4 = 0 as at_risk
                    from users as u where u.tenant_id = :t and u.role = 'student'
                )
                """;
        db.sql("""
                        insert into enrollments (tenant_id, course_id, section_id, user_id, status, enrolled_at)
                        select :t, :c, :s, u.id, 'active', now() - interval '60 days'
                        from users as u where u.tenant_id = :t and u.role = 'student'
                        """).param("t", tenant).param("c", course).param("s", section).update();
        db.sql(roster + """
                        insert into submissions (tenant_id, assignment_id, user_id, status, score, body, submitted_at, graded_at)
                        select :t, a.id, r.id, 'graded',
                               case when r.at_risk then 40 else 85 end, 'work',
                               case when r.at_risk then now() - interval '30 days' else now() - interval '1 day' end,
                               now() - interval '12 hours'
                        from roster as r
                        join assignments as a on a.tenant_id = :t and a.course_id = :c and a.due_at < now()
                        where not r.at_risk or a.id = (select min(id) from assignments where tenant_id = :t and course_id = :c)
                        """).param("t", tenant).param("c", course).update();
        db.sql(roster + """
                        insert into activity_logs (tenant_id, user_id, action, target, created_at)
                        select :t, r.id, 'view', 'course', now() - interval '1 day' from roster as r where not r.at_risk
                        """).param("t", tenant).update();
        db.sql(roster + """
                        insert into learning_sessions (tenant_id, user_id, course_id, start_time, end_time)
                        select :t, r.id, :c, now() - interval '2 days', now() - interval '2 days' + interval '40 minutes'
                        from roster as r where not r.at_risk
                        """).param("t", tenant).param("c", course).update();
        long quiz = db.sql("insert into quizzes (tenant_id, course_id, title) values (:t, :c, 'Quiz 1') returning id")
                .param("t", tenant)
                .param("c", course)
                .query(Long.class)
                .single();
        db.sql("""
                        insert into quiz_attempts (tenant_id, quiz_id, user_id, score, started_at, completed_at)
                        select :t, :q, u.id, 70, now() - interval '5 days', now() - interval '5 days' + interval '20 minutes'
                        from users as u where u.tenant_id = :t and u.role = 'student'
                        """).param("t", tenant).param("q", quiz).update();
        long discussion = db.sql("""
                        insert into discussions (tenant_id, course_id, author_id, title) values (:t, :c, :a, 'Welcome')
                        returning id
                        """)
                .param("t", tenant)
                .param("c", course)
                .param("a", teacher)
                .query(Long.class)
                .single();
        db.sql("""
                        insert into discussion_posts (tenant_id, discussion_id, user_id, body, created_at)
                        select :t, :d, u.id, 'post ' || k, now() - make_interval(days => 3 + k)
                        from users as u cross join generate_series(1, 2) as k
                        where u.tenant_id = :t and u.role = 'student'
                        """).param("t", tenant).param("d", discussion).update();
        db.sql("""
                        insert into lessons (tenant_id, course_id, title, position)
                        select :t, :c, 'Lesson ' || n, n from generate_series(1, :n) as n
                        """).param("t", tenant).param("c", course).param("n", LESSONS).update();
        db.sql("""
                        insert into progress (tenant_id, user_id, lesson_id, status, percent, updated_at, completed_at)
                        select :t, u.id, l.id,
                               case when l.position = 1 then 'completed' else 'in_progress' end,
                               case when l.position = 1 then 100 else 50 end,
                               now() - interval '1 day',
                               case when l.position = 1 then now() - interval '1 day' end
                        from users as u
                        join lessons as l on l.tenant_id = u.tenant_id and l.course_id = :c and l.position <= 2
                        where u.tenant_id = :t and u.role = 'student'
                        """).param("t", tenant).param("c", course).update();
        Replicas.await(
                "select count(*) = :n from progress where tenant_id = :t", Map.of("t", tenant, "n", students * 2));
        return new Cohort(tenant, slug, admin, teacher, otherTeacher, course, studentIds, assignmentIds);
    }

    private static long user(JdbcClient db, long tenant, String email, String name, String role) {
        return db.sql("""
                        insert into users (tenant_id, email, full_name, role, password_hash)
                        values (:t, :email, :name, :role, :hash) returning id
                        """)
                .param("t", tenant)
                .param("email", email)
                .param("name", name)
                .param("role", role)
                .param("hash", passwordHash)
                .query(Long.class)
                .single();
    }

    /** Whether the student at this index (0-based) is one of the at-risk ones. */
    public static boolean atRisk(int index) {
        return (index + 1) % 4 == 0;
    }

    public int pastDue() {
        return assignmentIds.size() / 2;
    }

    public Caller admin() {
        return new Caller(tenantId, adminId, Role.ADMIN, "admin@" + slug + ".demo");
    }

    public Caller teacher() {
        return new Caller(tenantId, teacherId, Role.TEACHER, "teacher1@" + slug + ".demo");
    }

    public Caller otherTeacher() {
        return new Caller(tenantId, otherTeacherId, Role.TEACHER, "teacher2@" + slug + ".demo");
    }

    public Caller student(int index) {
        return new Caller(
                tenantId, studentIds.get(index), Role.STUDENT, "student" + (index + 1) + "@" + slug + ".demo");
    }
}
