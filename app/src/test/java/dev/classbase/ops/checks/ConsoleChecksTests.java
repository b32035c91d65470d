package dev.classbase.ops.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.ops.kernel.ConsoleDatabase;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The overview on the real cluster, with problems planted where they are cheap to plant. */
class ConsoleChecksTests {
    private static TestApp app;
    private static String operator;

    @BeforeAll
    static void start() {
        app = TestApp.shared();
        operator = app.signInOperator();
    }

    private static JsonNode check(String name) {
        HttpResponse<String> r = app.get("/api/v1/admin/database/checks/" + name, operator);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestApp.json(r);
    }

    @Test
    void everyCheckHasAStatusAThresholdAndASource() {
        HttpResponse<String> r = app.get("/api/v1/admin/database/checks", operator);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = TestApp.json(r);
        List<String> names = new ArrayList<>();
        for (JsonNode check : body.path("checks")) {
            names.add(check.path("name").asString());
            assertThat(check.path("status").asString()).as(check.toString()).isIn("green", "amber", "red");
            assertThat(check.path("threshold").asString()).as(check.toString()).isNotBlank();
            assertThat(check.path("source").asString()).as(check.toString()).isNotBlank();
        }
        assertThat(names).containsExactlyElementsOf(Checks.NAMES);
        assertThat(body.path("status").asString()).isIn("green", "amber", "red");
    }

    @Test
    void slowQueriesComeFromPgStatStatementsWhichTheClusterHas() {
        JsonNode slow = check("slow_queries");
        assertThat(slow.path("status").asString()).isNotEqualTo("unavailable");
        assertThat(slow.path("threshold").asString()).contains("20.0 ms", "100 calls");
    }

    @Test
    void anInvalidIndexFromAFailedConcurrentBuildTurnsRed() throws SQLException {
        DataSource owner = TestCluster.shared().primaryDataSource();
        String table = "console_scratch_invalid_" + ProcessHandle.current().pid();
        try (Connection c = owner.getConnection();
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("CREATE TABLE " + table + " (id int)");
            s.execute("INSERT INTO " + table + " VALUES (1), (1)");
            try {
                s.execute("CREATE UNIQUE INDEX CONCURRENTLY " + table + "_uq ON " + table + " ((id + 0))");
                throw new AssertionError("the unique build should have failed");
            } catch (SQLException expected) {
                assertThat(expected.getSQLState()).isEqualTo("23505");
            }
        }
        try {
            JsonNode invalid = check("invalid_indexes");
            assertThat(invalid.path("status").asString()).isEqualTo("red");
            assertThat(invalid.path("details").toString()).contains(table + "_uq");
        } finally {
            try (Connection c = owner.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("DROP TABLE " + table);
            }
        }
        assertThat(check("invalid_indexes").path("details").toString()).doesNotContain(table + "_uq");
    }

    @Test
    void aSessionIdleInATransactionTurnsAmber() throws Exception {
        TestCluster cluster = TestCluster.shared();
        // as the service role: without pg_read_all_stats the console sees its own role's sessions only
        DataSource service = TestCluster.dataSource(
                cluster.cluster().service(cluster.cluster().primary()));
        try (Connection c = service.getConnection()) {
            c.setAutoCommit(false);
            int pid;
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            // the check fires once the session has idled past the 1 s default of
            // classbase.console.idle-in-transaction: wait for that, not for a fixed time
            JsonNode idle = dev.classbase.testsupport.Await.until(Duration.ofSeconds(15), () -> {
                JsonNode now = check("idle_in_transaction");
                return "green".equals(now.path("status").asString()) ? null : now;
            });
            assertThat(idle).as("the idle-in-transaction check fired").isNotNull();
            assertThat(idle.path("status").asString()).isIn("amber", "red");
            assertThat(idle.path("details").toString()).contains("\"pid\":" + pid);
            c.rollback();
        }
    }

    @Test
    void replicationLagComesFromTheReplicaMonitor() {
        JsonNode lag = check("replication_lag");
        assertThat(lag.path("details").size())
                .isEqualTo(TestCluster.shared().cluster().replicas().size());
        assertThat(lag.path("threshold").asString()).contains("5.0 s", "60.0 s");
    }

    @Test
    void anUnknownCheckIsA400ListingTheValidOnes() {
        HttpResponse<String> r = app.get("/api/v1/admin/database/checks/disk_usage_please", operator);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("invalid_indexes", "cache_hit_rate", "disk_usage_please");
    }

    @Test
    void withoutPgStatStatementsTheCheckSaysNotAvailableOnce() throws SQLException {
        TestCluster cluster = TestCluster.shared();
        String database = "console_nostat";
        DataSource postgres = TestCluster.dataSource(
                cluster.cluster().superuser(cluster.cluster().primary()).database("postgres"));
        try (Connection c = postgres.getConnection();
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + database);
        }
        try {
            DataSource bare = TestCluster.dataSource(
                    cluster.cluster().superuser(cluster.cluster().primary()).database(database));
            ConsoleDatabase db = new ConsoleDatabase(bare, () -> {});
            ConsoleDatabase.Feature feature = db.statements();
            assertThat(feature.available()).isFalse();
            assertThat(feature.note()).startsWith("not available").contains("CREATE EXTENSION pg_stat_statements");
            assertThat(db.statements()).isSameAs(feature); // detected once, cached
        } finally {
            try (Connection c = postgres.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }
}
