package dev.classbase.platform.counters;

import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A small two-tenant school in its own database: parents of all eight counters, no children yet. */
final class CounterFixture {
    static final int STUDENTS = 20;

    private CounterFixture() {}

    static void create(DataSource owner) {
        JdbcClient jdbc = JdbcClient.create(owner);
        jdbc.sql("""
                insert into tenants (id, name, slug) values (1, 'Alpha', 'alpha'), (2, 'Beta', 'beta');
                insert into users (tenant_id, id, email, full_name, role)
                select t, t * 1000 + g, 'u' || t || '-' || g || '@counters.test', 'User ' || g,
                       case when g = 0 then 'teacher' else 'student' end
                from generate_series(1, 2) as t, generate_series(0, 20) as g;
                insert into courses (tenant_id, id, title, category, status, instructor_id)
                select t, t * 100 + c, 'Course ' || c, 'math', 'published', t * 1000
                from generate_series(1, 2) as t, generate_series(1, 4) as c;
                insert into sections (tenant_id, id, course_id, name, term)
                select tenant_id, id, id, 'S', '2026' from courses;
                insert into assignments (tenant_id, course_id, title)
                select tenant_id, id, 'Fixture ' || g from courses, generate_series(1, 3) as g;
                insert into quizzes (tenant_id, id, course_id, title)
                select tenant_id, id * 10 + g, id, 'Quiz' from courses, generate_series(1, 2) as g;
                insert into discussions (tenant_id, id, course_id, author_id, title)
                select tenant_id, id * 10 + g, id, instructor_id, 'Talk' from courses, generate_series(1, 2) as g;
                insert into question_banks (tenant_id, id, course_id, owner_id, title)
                select tenant_id, id * 10 + g, id, instructor_id, 'Bank' from courses, generate_series(1, 2) as g;
                insert into unit_plans (tenant_id, id, course_id, created_by, title)
                select tenant_id, id * 10 + g, id, instructor_id, 'Unit' from courses, generate_series(1, 2) as g;
                insert into portfolios (tenant_id, id, user_id, title)
                select tenant_id, id, id, 'Portfolio' from users where role = 'student';
                """).update();
    }
}
