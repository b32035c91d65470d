package dev.classbase.platform.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.platform.fixtures.Plans;
import dev.classbase.testsupport.ScaleS;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Authoring's statements planned on scale-S data (600 courses, 20k users): each finds its rows
 * through existing indexes (no new one), never a scan. EXPLAIN without ANALYZE plans the writes
 * without running them.
 */
class CourseAuthoringPlanTests {
    private final DataSource db = ScaleS.ownerDataSource();
    private final JdbcClient jdbc = JdbcClient.create(db);

    /**
     * A teacher's change names the course and the teacher: PostgreSQL finds the row by the primary
     * key or by courses_instructor_fk (tenant_id, instructor_id) and filters on the other, both
     * one short index read (a teacher has a handful of courses). Tested for the teacher with the
     * most courses, where the two differ most.
     */
    @Test
    void aTeachersChangeFindsTheCourseThroughAnIndex() {
        var course = jdbc.sql("""
                        select c.tenant_id, max(c.id), c.instructor_id from courses as c
                        group by c.tenant_id, c.instructor_id order by count(*) desc, 1, 3 limit 1
                        """)
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)})
                .single();
        var plan = Plans.explainAsService(CourseAuthoringQueries.UPDATE, params(course, false));
        assertThat(Plans.indexNames(plan).getFirst()).as(plan.toString()).isIn("courses_pkey", "courses_instructor_fk");
        assertThat(Plans.indexNames(plan)).as(plan.toString()).contains("users_pkey", "sections_course_fk");
        assertThat(plan.toString()).doesNotContain("Seq Scan");
    }

    /** An admin's change names the course alone: the primary key. */
    @Test
    void anAdminsChangeFindsTheCourseByPrimaryKey() {
        var course = jdbc.sql("select tenant_id, id, instructor_id from courses order by id desc limit 1")
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)})
                .single();
        var plan = Plans.explainAsService(CourseAuthoringQueries.UPDATE, params(course, true));
        assertThat(Plans.indexNames(plan).getFirst()).as(plan.toString()).isEqualTo("courses_pkey");
        assertThat(plan.toString()).doesNotContain("Seq Scan");
    }

    private static Map<String, Object> params(long[] course, boolean admin) {
        Map<String, Object> p = new HashMap<>();
        p.put("tenant", course[0]);
        p.put("id", course[1]);
        p.put("caller", course[2]);
        p.put("admin", admin);
        p.put("title", "Renamed");
        p.put("description", null);
        p.put("category", null);
        p.put("status", "published");
        return p;
    }

    @Test
    void creatingACourseFindsTheTeacherByPrimaryKey() {
        var teacher = jdbc.sql("select tenant_id, id from users where role = 'teacher' order by id desc limit 1")
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .single();
        Map<String, Object> p = new HashMap<>();
        p.put("tenant", teacher[0]);
        p.put("instructor", teacher[1]);
        p.put("title", "New");
        p.put("description", null);
        p.put("category", "science");
        p.put("status", "draft");
        var plan = Plans.explainAsService(CourseAuthoringQueries.CREATE, p);
        assertThat(Plans.indexNames(plan)).as(plan.toString()).containsExactly("users_pkey");
        assertThat(plan.toString()).doesNotContain("Seq Scan");
    }
}
