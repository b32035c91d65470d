package dev.classbase.platform.atrisk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.platform.fixtures.Plans;
import dev.classbase.testsupport.ScaleS;
import dev.classbase.testsupport.TestApp;
import java.time.ZoneOffset;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The at-risk statement on scale-S data (250k activity logs in monthly partitions) finds each
 * student's latest activity through activity_logs_user_recent (V22): one index entry per
 * partition, newest first, instead of every log of the student.
 */
class AtRiskPlanTests {
    private final DataSource db = ScaleS.ownerDataSource();

    @Test
    void eachStudentsLatestActivityIsReadNewestFirstFromTheIndex() {
        // the course with the largest active roster of a tenant in the middle of the set
        var course = JdbcClient.create(db)
                .sql("""
                        select e.tenant_id, e.course_id
                        from enrollments as e
                        where e.tenant_id = 7 and e.status = 'active'
                        group by 1, 2
                        order by count(*) desc, 2
                        limit 1
                        """)
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .single();
        var plan = Plans.explain(
                db,
                AtRiskQueries.AT_RISK,
                Map.of(
                        "tenant",
                        course[0],
                        "course",
                        course[1],
                        "asOf",
                        TestApp.AS_OF.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC),
                        "scoreBelow",
                        AtRiskService.DEFAULT_SCORE_BELOW,
                        "inactiveDays",
                        AtRiskService.DEFAULT_INACTIVE_DAYS));
        assertThat(Plans.parentIndexNames(db, plan))
                .as(plan.toString())
                .contains("activity_logs_user_recent")
                .doesNotContain("activity_logs_user_fk");
    }
}
