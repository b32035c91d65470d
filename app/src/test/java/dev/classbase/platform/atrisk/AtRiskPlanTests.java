package dev.classbase.platform.atrisk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.platform.fixtures.Plans;
import dev.classbase.testsupport.ScaleS;
import dev.classbase.testsupport.TestApp;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The at-risk plans on scale-S data (250k activity logs in monthly partitions): the statement
 * plans only the inactivity window's months of activity logs and learning sessions, and the
 * history function (V66) finds each inactive student's latest older log through
 * activity_logs_user_recent (V22): one index entry per partition, newest first, instead of every
 * log of the student.
 */
class AtRiskPlanTests {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DataSource db = ScaleS.ownerDataSource();

    @Test
    void theStatementPlansOnlyTheWindowsMonthsOfThePartitionedTables() {
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
        OffsetDateTime asOf = TestApp.AS_OF.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC); // 2026-11-03
        var plan = Plans.explain(
                db,
                AtRiskQueries.AT_RISK,
                Map.of(
                        "tenant",
                        course[0],
                        "course",
                        course[1],
                        "asOf",
                        asOf,
                        "since",
                        asOf.minusDays(AtRiskService.DEFAULT_INACTIVE_DAYS),
                        "scoreBelow",
                        AtRiskService.DEFAULT_SCORE_BELOW,
                        "inactiveDays",
                        AtRiskService.DEFAULT_INACTIVE_DAYS));
        List<String> relations = Plans.relationNames(plan);
        // 2026-10-20 to 2026-11-03: two months out of the 24 of each table, pruned when planned
        assertThat(relations.stream().filter(r -> r.startsWith("activity_logs")).distinct())
                .as(plan.toString())
                .containsExactlyInAnyOrder("activity_logs_p202610", "activity_logs_p202611");
        assertThat(relations.stream()
                        .filter(r -> r.startsWith("learning_sessions"))
                        .distinct())
                .as(plan.toString())
                .containsExactlyInAnyOrder("learning_sessions_p202610", "learning_sessions_p202611");
    }

    @Test
    void theHistoryFunctionReadsEachStudentsLatestLogNewestFirstFromTheIndex() throws Exception {
        // the function's own query, as stored, explained as the generic plan PL/pgSQL keeps for it
        // (plan_cache_mode = force_generic_plan), for 40 students of tenant 7 with logs
        JdbcClient owner = JdbcClient.create(db);
        String body = owner.sql("select prosrc from pg_proc where proname = 'classbase_last_activity_before'")
                .query(String.class)
                .single();
        String query = body.substring(body.indexOf("return query") + "return query".length(), body.lastIndexOf(';'))
                .replace("p_tenant", "$1")
                .replace("p_course", "$2")
                .replace("p_users", "$3")
                .replace("p_before", "$4");
        String users = owner.sql("""
                        select string_agg(user_id::text, ',')
                        from (select distinct user_id from activity_logs
                              where tenant_id = 7 and user_id is not null order by 1 limit 40) as u
                        """).query(String.class).single();
        long course = owner.sql("select min(id) from courses where tenant_id = 7")
                .query(Long.class)
                .single();
        String json;
        try (Connection c = db.getConnection();
                Statement statement = c.createStatement()) {
            c.setAutoCommit(false);
            statement.execute("set local plan_cache_mode = force_generic_plan");
            statement.execute("prepare history (bigint, bigint, bigint[], timestamptz) as " + query);
            try (ResultSet rs = statement.executeQuery("explain (format json) execute history(7, " + course + ", array["
                    + users + "]::bigint[], '2026-10-20T00:00:00Z')")) {
                rs.next();
                json = rs.getString(1);
            } finally {
                statement.execute("deallocate history");
                c.rollback();
            }
        }
        JsonNode plan = JSON.readTree(json).get(0).get("Plan");
        assertThat(Plans.parentIndexNames(db, plan))
                .as(plan.toString())
                .contains("activity_logs_user_recent")
                .doesNotContain("activity_logs_user_fk");
    }
}
