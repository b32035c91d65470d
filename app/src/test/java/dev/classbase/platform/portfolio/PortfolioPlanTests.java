package dev.classbase.platform.portfolio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.data.tenancy.TenantBinding;
import dev.classbase.testsupport.ScaleS;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The export's plan on scale-S data (40k portfolio entries): the generic plan that
 * classbase_portfolio_export (V68) keeps reads every table once, by key, for all the entries at
 * a time, and never per entry.
 */
class PortfolioPlanTests {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DataSource db = ScaleS.ownerDataSource();

    @Test
    void theExportReadsEachTableOnceByKeyForAllTheEntries() throws Exception {
        // the portfolio with the most entries of a tenant in the middle of the set
        var portfolio = JdbcClient.create(db)
                .sql("""
                        select tenant_id, portfolio_id
                        from portfolio_entries
                        where tenant_id = 7
                        group by 1, 2
                        order by count(*) desc, 2
                        limit 1
                        """)
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .single();
        JsonNode plan = explainGeneric(portfolio[0], portfolio[1]);

        List<JsonNode> scans = scans(plan);
        assertThat(scans)
                .extracting(scan -> scan.path("Relation Name").asString())
                .as(plan.toString())
                .containsExactlyInAnyOrder(
                        "portfolio_entries",
                        "submissions",
                        "assignments",
                        "quiz_attempts",
                        "quizzes",
                        "resources",
                        "standards",
                        "portfolio_entry_standards",
                        "portfolio_comments",
                        "users");
        for (JsonNode scan : scans) {
            String table = scan.path("Relation Name").asString();
            String condition = scan.path("Index Cond").asString("");
            // each by its key or foreign-key index, all the keys at a time: loops = 1, no rescan per entry
            assertThat(condition).as(table + ": " + scan).startsWith("((tenant_id = $1) AND ");
            assertThat(scan.path("Node Type").asString()).as(table).isIn("Index Scan", "Index Only Scan");
            if (!table.equals("portfolio_entries")) {
                assertThat(condition).as(table + ": " + scan).contains("= ANY (");
            }
        }
        assertThat(nodeTypes(plan)).as(plan.toString()).doesNotContain("Nested Loop");
    }

    /**
     * The query after {@code return query} in classbase_portfolio_export, as stored, explained as
     * the generic plan under the function's own settings (plan_cache_mode = force_generic_plan).
     */
    private JsonNode explainGeneric(long tenant, long portfolio) throws Exception {
        JdbcClient owner = JdbcClient.create(db);
        String body = owner.sql("select prosrc from pg_proc where proname = 'classbase_portfolio_export'")
                .query(String.class)
                .single();
        String query = body.substring(body.indexOf("return query") + "return query".length(), body.lastIndexOf(';'))
                .replace("p_tenant", "$1")
                .replace("p_portfolio", "$2");
        List<String> settings = owner.sql(
                        "select unnest(proconfig) from pg_proc where proname = 'classbase_portfolio_export'")
                .query(String.class)
                .list();
        assertThat(settings).contains("plan_cache_mode=force_generic_plan");
        String json;
        // as the service role with the tenant bound, as the server calls the function (SECURITY
        // INVOKER: the policies apply)
        try (Connection c = ScaleS.serviceDataSource().getConnection();
                Statement statement = c.createStatement()) {
            c.setAutoCommit(false);
            TenantBinding.now(c, tenant);
            for (String setting : settings) {
                int eq = setting.indexOf('=');
                statement.execute("set local " + setting.substring(0, eq) + " = '" + setting.substring(eq + 1) + "'");
            }
            statement.execute("prepare export (bigint, bigint) as " + query);
            try (ResultSet rs =
                    statement.executeQuery("explain (format json) execute export(" + tenant + ", " + portfolio + ")")) {
                rs.next();
                json = rs.getString(1);
            } finally {
                statement.execute("deallocate export");
                c.rollback();
            }
        }
        return JSON.readTree(json).get(0).get("Plan");
    }

    /** Every node of the plan tree that reads a table. */
    private static List<JsonNode> scans(JsonNode node) {
        List<JsonNode> scans = new ArrayList<>();
        if (node.has("Relation Name")) {
            scans.add(node);
        }
        for (JsonNode child : node.path("Plans")) {
            scans.addAll(scans(child));
        }
        return scans;
    }

    private static List<String> nodeTypes(JsonNode node) {
        List<String> types = new ArrayList<>();
        types.add(node.path("Node Type").asString());
        for (JsonNode child : node.path("Plans")) {
            types.addAll(nodeTypes(child));
        }
        return types;
    }
}
