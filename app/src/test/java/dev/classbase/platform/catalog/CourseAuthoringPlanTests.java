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
 * Authoring's statements planned on scale-S data (600 courses, 20k users): each finds its one row
 * by primary key, (tenant_id, id), with the instructor and role checks as filters on that row. No
 * new index: a teacher's own course is found by its id, never by scanning the teacher's courses.
 * EXPLAIN without ANALYZE plans the writes without running them.
 */
class CourseAuthoringPlanTests {
    private final DataSource db = ScaleS.ownerDataSource();
    private final JdbcClient jdbc = JdbcClient.create(db);

    @Test
    void changingACourseFindsItByPrimaryKey() {
        var course = jdbc.sql("select tenant_id, id, instructor_id from courses order by id desc limit 1")
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)})
                .single();
        Map<String, Object> p = new HashMap<>();
        p.put("tenant", course[0]);
        p.put("id", course[1]);
        p.put("caller", course[2]);
        p.put("admin", false);
        p.put("title", "Renamed");
        p.put("description", null);
        p.put("category", null);
        p.put("status", "published");
        var plan = Plans.explain(db, CourseAuthoringQueries.UPDATE, p);
        assertThat(Plans.indexNames(plan)).as(plan.toString()).contains("courses_pkey", "users_pkey");
        assertThat(plan.toString()).doesNotContain("Seq Scan");
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
        var plan = Plans.explain(db, CourseAuthoringQueries.CREATE, p);
        assertThat(Plans.indexNames(plan)).as(plan.toString()).containsExactly("users_pkey");
        assertThat(plan.toString()).doesNotContain("Seq Scan");
    }
}
