package dev.classbase.ops.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The maintenance endpoints: overview and run-now for operators, 400/409 for bad or clashing requests. */
class MaintenanceEndpointTests {
    private static final String PATH = "/api/v1/admin/database/maintenance";

    @Test
    void onlyAdminsSeeOrRunMaintenance() {
        TestApp app = TestApp.shared();
        String student = app.signIn("student1@northwood.demo");
        assertThat(app.get(PATH, null).statusCode()).isEqualTo(401);
        assertThat(app.get(PATH, student).statusCode()).isEqualTo(403);
        assertThat(app.post(PATH + "/analyze", null, "").statusCode()).isEqualTo(401);
        assertThat(app.post(PATH + "/analyze", student, "").statusCode()).isEqualTo(403);
    }

    @Test
    void overviewListsTasksScheduleLastRunsAndCandidates() {
        TestApp app = TestApp.shared();
        HttpResponse<String> ok = app.get(PATH, app.signInOperator());
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        JsonNode body = TestApp.json(ok);
        assertThat(body.get("tasks").toString()).isEqualTo("[\"vacuum\",\"analyze\",\"reindex\",\"backup\",\"all\"]");
        assertThat(body.get("schedule").get(0).get("job").asString()).isEqualTo("light");
        assertThat(body.get("schedule").get(0).get("cron").asString()).isEqualTo("0 30 3 * * *");
        assertThat(body.get("schedule").get(1).get("tasks").size()).isEqualTo(4);
        assertThat(body.get("lastRuns").size()).isEqualTo(4);
        for (String task : new String[] {"vacuum", "analyze", "reindex"}) {
            assertThat(body.get("candidates").get(task).isArray()).as(task).isTrue();
        }
        assertThat(body.get("thresholds").get("source").asString()).contains("Autovacuum");
        assertThat(body.get("backup").asString()).isNotBlank();
    }

    @Test
    void anUnknownTaskIs400ListingTheValidOnes() {
        TestApp app = TestApp.shared();
        HttpResponse<String> r = app.post(PATH + "/defrag", app.signInOperator(), "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("task").contains("vacuum, analyze, reindex, backup, all");
    }

    @Test
    void aRunWhileAnotherHoldsTheLockIs409ThenARunSucceedsAsTheServiceRole() throws Exception {
        TestApp app = TestApp.shared();
        String operator = app.signInOperator();
        try (Connection c = TestCluster.shared().primaryDataSource().getConnection();
                PreparedStatement lock = c.prepareStatement("select pg_advisory_lock(?, 0)")) {
            lock.setInt(1, MaintenanceQueries.RUNNER_LOCK_CLASS);
            lock.executeQuery().close();
            HttpResponse<String> busy = app.post(PATH + "/vacuum", operator, "");
            assertThat(busy.statusCode()).as(busy.body()).isEqualTo(409);
            assertThat(busy.body()).contains("in progress");
        }

        // a table of the owner's over the analyze threshold: the service role analyzes it through pg_maintain
        exec("""
                drop table if exists mt_api_plant;
                create table mt_api_plant (id bigint primary key) with (autovacuum_enabled = false);
                insert into mt_api_plant select generate_series(1, 1000);
                select pg_stat_force_next_flush();
                """);
        try {
            analyzeThroughTheApi(app, operator);
        } finally {
            exec("drop table mt_api_plant");
        }
    }

    private static void analyzeThroughTheApi(TestApp app, String operator) throws Exception {
        JsonNode candidates =
                TestApp.json(app.get(PATH, operator)).get("candidates").get("analyze");
        JsonNode plant = null;
        for (JsonNode c : candidates) {
            if (c.get("target").asString().equals("public.mt_api_plant")) {
                plant = c;
            }
        }
        assertThat(plant).as(candidates.toString()).isNotNull();
        assertThat(plant.get("reason").asString()).contains("1,000 rows changed since its last analyze > 50 + 0.1");
        assertThat(plant.get("runs").asBoolean()).isTrue();

        HttpResponse<String> started = app.post(PATH + "/analyze", operator, "");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        assertThat(TestApp.json(started).get("runs").toString()).isEqualTo("[\"analyze\"]");
        JsonNode analyze = Await.until(Duration.ofMinutes(2), () -> {
            JsonNode last = TestApp.json(app.get(PATH, operator)).get("lastRuns");
            for (JsonNode r : last) {
                if (r.get("task").asString().equals("analyze")
                        && r.has("finishedAt")
                        && "api".equals(r.get("triggeredBy").asString())) {
                    return r;
                }
            }
            return null;
        });
        assertThat(analyze).as("the analyze run finished").isNotNull();
        assertThat(analyze.get("outcome").asString()).as(analyze.toString()).isEqualTo("succeeded");

        String metrics = Await.until(Duration.ofSeconds(30), () -> {
            String text = app.get("/actuator/prometheus", operator).body();
            return text.contains("classbase_maintenance_last_success_seconds{task=\"analyze\"} 0.0") ? null : text;
        });
        assertThat(metrics)
                .containsPattern("classbase_maintenance_last_success_seconds\\{task=\"analyze\"} \\d\\.\\d+E9");
        try (Connection c = TestCluster.shared().primaryDataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select last_analyze is not null from pg_stat_user_tables where relname = 'mt_api_plant'");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertThat(rs.getBoolean(1)).as("analyzed by the service role").isTrue();
        }
        assertThat(analyze.get("processed").asInt()).isPositive();
    }

    private static void exec(String sql) throws Exception {
        try (Connection c = TestCluster.shared().primaryDataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
