package dev.classbase.platform.atrisk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.data.tenancy.TenantBinding;
import dev.classbase.platform.fixtures.Plans;
import dev.classbase.testsupport.ScaleS;
import dev.classbase.testsupport.TestApp;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The at-risk plans on scale-S data (250k activity logs in monthly partitions): the report's
 * generic plan, kept by classbase_at_risk (V67), keeps only the inactivity window's months of
 * activity logs and learning sessions when it starts, and the history function (V66) finds each
 * inactive student's latest older log through activity_logs_user_recent (V22): one index entry
 * per partition, newest first, instead of every log of the student.
 */
class AtRiskPlanTests {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DataSource db = ScaleS.ownerDataSource();

    @Test
    void theReportsGenericPlanKeepsOnlyTheWindowsMonthsOfThePartitionedTables() throws Exception {
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
        // the students' query of classbase_at_risk, as stored, explained as the generic plan
        // PL/pgSQL keeps for it: the months outside [since, asOf) are pruned when it starts
        String query = functionQuery(
                "classbase_at_risk",
                "p_tenant",
                "p_course",
                "p_instructor",
                "p_as_of",
                "p_since",
                "p_score_below",
                "p_inactive_days");
        OffsetDateTime asOf = TestApp.AS_OF.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC); // 2026-11-03
        JsonNode plan = explainGeneric(
                course[0],
                "classbase_at_risk",
                "bigint, bigint, bigint, timestamptz, timestamptz, numeric, integer",
                query,
                course[0] + ", " + course[1] + ", null, '" + asOf + "', '"
                        + asOf.minusDays(AtRiskService.DEFAULT_INACTIVE_DAYS) + "', "
                        + AtRiskService.DEFAULT_SCORE_BELOW + ", " + AtRiskService.DEFAULT_INACTIVE_DAYS);
        List<String> relations = Plans.relationNames(plan);
        // 2026-10-20 to 2026-11-03: two months out of the 24 of each table
        assertThat(relations.stream().filter(r -> r.startsWith("activity_logs")).distinct())
                .as(plan.toString())
                .containsExactlyInAnyOrder("activity_logs_p202610", "activity_logs_p202611");
        assertThat(relations.stream()
                        .filter(r -> r.startsWith("learning_sessions"))
                        .distinct())
                .as(plan.toString())
                .containsExactlyInAnyOrder("learning_sessions_p202610", "learning_sessions_p202611");
        // the generic plan knows no roster size: its names still come by key, not from all the tenant's users
        assertThat(indexConditions(plan, "users"))
                .as(plan.toString())
                .isNotEmpty()
                .allSatisfy(condition -> assertThat(condition).contains("(id = "));
    }

    @Test
    void theHistoryFunctionReadsEachStudentsLatestLogNewestFirstFromTheIndex() throws Exception {
        // the function's own query, as stored, explained as the generic plan PL/pgSQL keeps for it
        // (plan_cache_mode = force_generic_plan), for 40 students of tenant 7 with logs
        JdbcClient owner = JdbcClient.create(db);
        String query = functionQuery("classbase_last_activity_before", "p_tenant", "p_course", "p_users", "p_before");
        String users = owner.sql("""
                        select string_agg(user_id::text, ',')
                        from (select distinct user_id from activity_logs
                              where tenant_id = 7 and user_id is not null order by 1 limit 40) as u
                        """).query(String.class).single();
        long course = owner.sql("select min(id) from courses where tenant_id = 7")
                .query(Long.class)
                .single();
        JsonNode plan = explainGeneric(
                7,
                "classbase_last_activity_before",
                "bigint, bigint, bigint[], timestamptz",
                query,
                "7, " + course + ", array[" + users + "]::bigint[], '2026-10-20T00:00:00Z'");
        assertThat(Plans.parentIndexNames(db, plan))
                .as(plan.toString())
                .contains("activity_logs_user_recent")
                .doesNotContain("activity_logs_user_fk");
    }

    /**
     * The query after {@code return query} in a PL/pgSQL function's body, as stored, with its
     * parameters (named in order) as $1, $2, ...
     */
    private String functionQuery(String function, String... parameters) {
        String body = JdbcClient.create(db)
                .sql("select prosrc from pg_proc where proname = :name")
                .param("name", function)
                .query(String.class)
                .single();
        String query = body.substring(body.indexOf("return query") + "return query".length(), body.lastIndexOf(';'));
        for (int i = 0; i < parameters.length; i++) {
            query = query.replace(parameters[i], "$" + (i + 1));
        }
        return query;
    }

    /**
     * The plan of {@code query} under {@code function}'s own settings (plan_cache_mode =
     * force_generic_plan among them): the generic plan PL/pgSQL keeps for it. As the service role
     * with the tenant bound, as the server calls the function (SECURITY INVOKER: the policies apply).
     */
    private JsonNode explainGeneric(long tenant, String function, String types, String query, String arguments)
            throws Exception {
        List<String> settings = JdbcClient.create(db)
                .sql("select unnest(proconfig) from pg_proc where proname = :name")
                .param("name", function)
                .query(String.class)
                .list();
        assertThat(settings).contains("plan_cache_mode=force_generic_plan");
        String json;
        try (Connection c = ScaleS.serviceDataSource().getConnection();
                Statement statement = c.createStatement()) {
            c.setAutoCommit(false);
            TenantBinding.now(c, tenant);
            for (String setting : settings) {
                int eq = setting.indexOf('=');
                statement.execute("set local " + setting.substring(0, eq) + " = '" + setting.substring(eq + 1) + "'");
            }
            statement.execute("prepare query (" + types + ") as " + query);
            try (ResultSet rs = statement.executeQuery("explain (format json) execute query(" + arguments + ")")) {
                rs.next();
                json = rs.getString(1);
            } finally {
                statement.execute("deallocate query");
                c.rollback();
            }
        }
        return JSON.readTree(json).get(0).get("Plan");
    }

    /** The index conditions of every scan of {@code table} in the plan tree. */
    private static List<String> indexConditions(JsonNode node, String table) {
        List<String> conditions = new ArrayList<>();
        if (table.equals(node.path("Relation Name").asString(""))) {
            conditions.add(
                    node.path("Index Cond").asString(node.path("Node Type").asString()));
        }
        for (JsonNode child : node.path("Plans")) {
            conditions.addAll(indexConditions(child, table));
        }
        return conditions;
    }
}
