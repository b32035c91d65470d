package dev.classbase.ops.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.ops.kernel.ConsoleProperties;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import dev.classbase.web.ApiException;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** EXPLAIN of one SELECT; everything else refused with a 400 and the scratch table untouched. */
class ConsoleExplainTests {
    private static final String TABLE = "console_explain_scratch";
    private static final String WRITER = "console_explain_write";
    private static TestApp app;
    private static String operator;
    private static DataSource owner;

    @BeforeAll
    static void start() throws SQLException {
        app = TestApp.shared();
        operator = app.signInOperator();
        owner = TestCluster.shared().primaryDataSource();
        try (Connection c = owner.getConnection();
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + TABLE + " CASCADE");
            s.execute("CREATE TABLE " + TABLE + " (id serial PRIMARY KEY, note text)");
            s.execute("INSERT INTO " + TABLE + " (note) VALUES ('a'), ('b')");
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON " + TABLE + " TO classbase_app");
            s.execute("GRANT USAGE, SELECT ON SEQUENCE " + TABLE + "_id_seq TO classbase_app");
            // EXPLAIN runs as the explain role; here it may even write, so what refuses the writes
            // below is the read-only transaction, not a missing privilege
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON " + TABLE + " TO " + ExplainSandbox.ROLE);
            s.execute("GRANT USAGE, SELECT, UPDATE ON SEQUENCE " + TABLE + "_id_seq TO " + ExplainSandbox.ROLE);
            s.execute("CREATE OR REPLACE FUNCTION " + WRITER + "() RETURNS int LANGUAGE sql AS $$ INSERT INTO " + TABLE
                    + " (note) VALUES ('written') RETURNING id $$");
        }
    }

    @AfterAll
    static void drop() throws SQLException {
        try (Connection c = owner.getConnection();
                Statement s = c.createStatement()) {
            s.execute("DROP FUNCTION IF EXISTS " + WRITER + "()");
            s.execute("DROP TABLE IF EXISTS " + TABLE + " CASCADE");
        }
    }

    /** The scratch table's rows and its sequence's position: equal before and after means nothing changed. */
    private static String state() throws SQLException {
        try (Connection c = owner.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT (SELECT string_agg(id || ':' || note, ',' ORDER BY id) FROM "
                        + TABLE + ") || ' seq=' || (SELECT last_value FROM " + TABLE + "_id_seq)")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static HttpResponse<String> explain(String sql, boolean analyze) {
        String body = JsonMapper.builder().build().writeValueAsString(Map.of("sql", sql, "analyze", analyze));
        return app.post("/api/v1/admin/database/explain", operator, body);
    }

    private static void refused(String sql, boolean analyze, String... messageParts) throws SQLException {
        String before = state();
        HttpResponse<String> r = explain(sql, analyze);
        assertThat(r.statusCode()).as(sql + " → " + r.body()).isEqualTo(400);
        assertThat(r.body()).as(sql).contains(messageParts);
        assertThat(state()).as("nothing changed by " + sql).isEqualTo(before);
    }

    @Test
    void aSelectReturnsItsJsonPlan() {
        HttpResponse<String> r = explain("SELECT id, note FROM " + TABLE + " WHERE id = 1", false);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = TestApp.json(r);
        assertThat(body.path("plan").get(0).path("Plan").path("Node Type").asString())
                .isNotBlank();
        assertThat(body.path("analyze").asBoolean()).isFalse();
        assertThat(body.path("timeoutMs").asLong()).isEqualTo(10_000);
    }

    @Test
    void analyzeIsOptInAndRunsTheStatement() {
        HttpResponse<String> r = explain("SELECT count(*) FROM " + TABLE, true);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(TestApp.json(r).path("plan").get(0).has("Execution Time")).isTrue();
        assertThat(TestApp.json(explain("SELECT count(*) FROM " + TABLE, false))
                        .path("plan")
                        .get(0)
                        .has("Execution Time"))
                .isFalse();
    }

    @Test
    void placeholdersAreExplainedAsAGenericPlan() {
        HttpResponse<String> r = explain("SELECT * FROM " + TABLE + " WHERE id = $1 AND note <> $2", false);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = TestApp.json(r);
        assertThat(body.path("genericPlan").asBoolean()).isTrue();
        assertThat(body.path("plan").toString()).contains("$1");
        // deallocated: a second explain of the same kind prepares again without a name clash
        assertThat(explain("SELECT * FROM " + TABLE + " WHERE id = $1", false).statusCode())
                .isEqualTo(200);
        assertThat(explain("SELECT * FROM " + TABLE + " WHERE id = $1", true).statusCode())
                .isEqualTo(400);
    }

    @Test
    void semicolonsAndKeywordsInsideLiteralsAndCommentsDoNotCount() {
        HttpResponse<String> r = explain(
                "SELECT 'a; DELETE FROM x' AS \"update\" /* ; insert */ FROM " + TABLE + " -- ; drop\n;", false);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void dataChangingStatementsAreRefused() throws SQLException {
        refused("INSERT INTO " + TABLE + " (note) VALUES ('x')", true, "INSERT changes data");
        refused("UPDATE " + TABLE + " SET note = 'x'", true, "UPDATE changes data");
        refused("delete from " + TABLE, true, "DELETE changes data");
        refused(
                "MERGE INTO " + TABLE + " t USING (SELECT 1 AS id) s ON t.id = s.id WHEN MATCHED THEN DELETE",
                true,
                "MERGE changes data");
    }

    @Test
    void ddlAndCopyAreRefused() throws SQLException {
        refused("DROP TABLE " + TABLE, false, "DROP is not a SELECT");
        refused("CREATE TABLE console_explain_other (id int)", false, "CREATE is not a SELECT");
        refused("TRUNCATE " + TABLE, false, "TRUNCATE is not a SELECT");
        refused("COPY " + TABLE + " TO STDOUT", false, "COPY is refused");
        refused("SELECT * INTO console_explain_copy FROM " + TABLE, true, "SELECT ... INTO creates a table");
    }

    @Test
    void joinedStatementsAreRefused() throws SQLException {
        refused("SELECT 1; DELETE FROM " + TABLE, true, "only one statement");
        refused("SELECT 1;SELECT 2", false, "only one statement");
        // the e ends a name: '\' is a whole standard string and the ; that follows is real
        refused("SELECT note'\\'; DELETE FROM " + TABLE + "; --'", true, "only one statement");
    }

    @Test
    void writableCtesAreRefused() throws SQLException {
        refused("WITH gone AS (DELETE FROM " + TABLE + " RETURNING *) SELECT * FROM gone", true, "writable CTE");
        refused("WITH t AS (UPDATE " + TABLE + " SET note = 'x' RETURNING id) SELECT * FROM t", true, "UPDATE");
        refused(
                "with t as (insert into " + TABLE + " (note) values ('x') returning id) select * from t",
                true,
                "INSERT");
    }

    @Test
    void sideEffectsThroughSelectFailInTheReadOnlyTransaction() throws SQLException {
        refused("SELECT " + WRITER + "()", true, "read-only transaction", "nothing was changed");
        refused("SELECT nextval('" + TABLE + "_id_seq')", true, "read-only transaction");
        refused("SELECT * FROM " + TABLE + " FOR UPDATE", true, "read-only transaction");
    }

    @Test
    void errorsFromTheServerAre400() throws SQLException {
        refused("SELECT * FROM console_no_such_table", false, "PostgreSQL refused the statement");
        refused("SELECT 'unterminated", false, "unterminated string literal");
    }

    @Test
    void aStatementOverTheLimitFailsNamingTheLimit() {
        DataSource service = TestCluster.dataSource(TestCluster.shared()
                .cluster()
                .service(TestCluster.shared().cluster().primary()));
        ExplainQueries explain = new ExplainQueries(
                new ExplainSandbox(service, 1, () -> {}),
                ConsoleProperties.defaults().withExplainTimeout(Duration.ofMillis(300)));
        assertThatThrownBy(() -> explain.explain("SELECT pg_sleep(5)", true, null))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("300 ms")
                .hasMessageContaining("classbase.console.explain-timeout");
    }
}
