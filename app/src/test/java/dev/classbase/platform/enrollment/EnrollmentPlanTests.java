package dev.classbase.platform.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.platform.fixtures.Plans;
import dev.classbase.testsupport.ScaleS;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A user's enrollments by status on scale-S data (100k enrollments). No (user_id, status) index
 * is created: the unique (tenant_id, user_id, course_id) key
 * already leads with the user, a user has a handful of enrollments, and the status is a filter
 * on those few rows. This test proves the existing index serves the query.
 */
class EnrollmentPlanTests {
    private final DataSource db = ScaleS.ownerDataSource();

    @Test
    void aUsersEnrollmentsByStatusUseTheUniqueUserCourseKey() {
        var user = JdbcClient.create(db)
                .sql("select tenant_id, user_id from enrollments group by 1, 2 order by count(*) desc limit 1")
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .single();
        Map<String, Object> p = new HashMap<>();
        p.put("tenant", user[0]);
        p.put("user", user[1]);
        p.put("status", "active");
        var plan = Plans.explainAsService(EnrollmentQueries.OF_USER, p);
        assertThat(Plans.indexNames(plan)).as(plan.toString()).contains("enrollments_tenant_id_user_id_course_id_key");
    }
}
