package dev.classbase.ops.connections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.ops.kernel.ConsoleDatabase;
import dev.classbase.ops.kernel.ConsoleProperties;
import dev.classbase.seed.DemoAccounts;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Caller;
import dev.classbase.web.auth.Role;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;

/**
 * Connections: the groupings, a live pg_sleep on a connection of its own cancelled (its statement
 * fails, its session lives) and another terminated (its session ends), refusals, 404 for a pid that
 * is no backend, the audit rows, and the switch that turns actions off.
 */
class ConnectionControllerTests {
    private static TestApp app;
    private static String operator;
    private static String student;
    private static DataSource service;
    private static DataSource owner;

    @BeforeAll
    static void start() {
        app = TestApp.shared();
        operator = app.signInOperator();
        student = app.signIn("student1@northwood.demo");
        EmbeddedCluster cluster = TestCluster.shared().cluster();
        // the app's own role: the one whose backends the service role may signal without pg_signal_backend
        service = TestCluster.dataSource(cluster.service(cluster.primary()));
        owner = TestCluster.shared().primaryDataSource();
    }

    @AfterAll
    static void noSleeperLeft() throws SQLException {
        try (Connection c = TestCluster.shared().superuserDataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%console-sleeper-%'"
                    + " AND pid <> pg_backend_pid()");
        }
    }

    @Test
    void countsAndLiveQueriesShowASleepingSession() throws Exception {
        String marker = "console-sleeper-" + UUID.randomUUID();
        Sleeper sleeper = Sleeper.start(marker);
        try {
            int pid = sleeper.pid();
            JsonNode body = TestApp.json(app.get("/api/v1/admin/database/connections", operator));
            assertThat(body.path("actionsEnabled").asBoolean()).isTrue();
            assertThat(sum(body.path("byState"), "state", "active")).isPositive();
            assertThat(sum(body.path("byUser"), "user", "classbase_app")).isPositive();
            assertThat(body.path("byApplication").size()).isPositive();
            assertThat(body.path("byClient").size()).isPositive();
            JsonNode live = find(body.path("live"), pid);
            assertThat(live).as(body.toString()).isNotNull();
            assertThat(live.path("query").asString()).contains(marker);
            assertThat(live.path("wait_event").asString()).isEqualTo("PgSleep");
            assertThat(live.path("duration_ms").isIntegralNumber())
                    .as(live.toString())
                    .isTrue();
            assertThat(live.path("duration_ms").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(live.path("own").asBoolean()).isFalse();
        } finally {
            sleeper.close();
        }
    }

    @Test
    void cancelEndsTheStatementAndTerminateEndsTheSession() throws Exception {
        String marker = "console-sleeper-" + UUID.randomUUID();
        Sleeper cancelled = Sleeper.start(marker);
        HttpResponse<String> r =
                app.post("/api/v1/admin/database/connections/" + cancelled.pid() + "/cancel", operator, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(TestApp.json(r).path("signalled").asBoolean()).isTrue();
        assertThat(cancelled.failure()).isEqualTo("57014"); // query_canceled
        // cancelled, not ended: the session still answers
        try (Statement s = cancelled.connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1")) {
            assertThat(rs.next()).isTrue();
        }
        cancelled.close();

        Sleeper terminated = Sleeper.start(marker);
        r = app.post("/api/v1/admin/database/connections/" + terminated.pid() + "/terminate", operator, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(terminated.failure()).isIn("57P01", "08006", "08003"); // admin_shutdown, or the socket closed
        int gone = terminated.pid();
        assertThat(Await.until(Duration.ofSeconds(10), () -> backendExists(gone) ? null : Boolean.TRUE))
                .isTrue();
        terminated.close();

        JsonNode audit = TestApp.json(app.get("/api/v1/admin/database/connections/audit?limit=50", operator));
        JsonNode cancelRow = null;
        JsonNode terminateRow = null;
        for (JsonNode row : audit) {
            if (row.path("pid").asInt() == cancelled.pid()
                    && row.path("action").asString().equals("cancel")) {
                cancelRow = row;
            }
            if (row.path("pid").asInt() == gone && row.path("action").asString().equals("terminate")) {
                terminateRow = row;
            }
        }
        assertThat(cancelRow).as(audit.toString()).isNotNull();
        assertThat(cancelRow.path("outcome").asString()).isEqualTo("signalled");
        assertThat(cancelRow.path("actor_email").asString()).isEqualTo(DemoAccounts.OPERATOR);
        assertThat(cancelRow.path("query").asString()).contains(marker);
        assertThat(cancelRow.path("target_user").asString()).isEqualTo("classbase_app");
        assertThat(terminateRow).isNotNull();
        assertThat(terminateRow.path("outcome").asString()).isEqualTo("signalled");
        assertThat(countAudit("pid = " + gone + " AND action = 'terminate' AND outcome = 'signalled'"))
                .isEqualTo(1);
    }

    @Test
    void aPidThatIsNoBackendIs404AndAudited() throws Exception {
        int pid =
                4_000_000 + (int) (Math.random() * 100_000); // above Linux's pid_max default of 4194304 is possible too
        while (backendExists(pid)) {
            pid++;
        }
        HttpResponse<String> r = app.post("/api/v1/admin/database/connections/" + pid + "/cancel", operator, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
        assertThat(app.post("/api/v1/admin/database/connections/" + pid + "/terminate", operator, null)
                        .statusCode())
                .isEqualTo(404);
        assertThat(countAudit("pid = " + pid + " AND outcome = 'not_found'")).isEqualTo(2);
    }

    @Test
    void serverProcessesAreRefused() throws Exception {
        int walsender;
        try (Connection c = owner.getConnection();
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT pid FROM pg_stat_activity WHERE backend_type = 'walsender' LIMIT 1")) {
            assertThat(rs.next())
                    .as("the shared cluster streams to its replicas")
                    .isTrue();
            walsender = rs.getInt(1);
        }
        HttpResponse<String> r =
                app.post("/api/v1/admin/database/connections/" + walsender + "/terminate", operator, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
        assertThat(r.body()).contains("walsender");
        assertThat(backendExists(walsender)).isTrue();
        assertThat(countAudit("pid = " + walsender + " AND outcome = 'refused'"))
                .isEqualTo(1);
    }

    @Test
    void switchedOffActionsAre403AndSignalNothing() throws Exception {
        Sleeper sleeper = Sleeper.start("console-sleeper-" + UUID.randomUUID());
        try {
            ConnectionController off = new ConnectionController(
                    app.bean(ConsoleDatabase.class),
                    ConsoleProperties.defaults(),
                    new ConnectionProperties(false, 1000),
                    service);
            Caller caller = new Caller(Caller.NO_TENANT, 1, Role.OPERATOR, DemoAccounts.OPERATOR);
            assertThatThrownBy(() -> off.act("terminate", Integer.toString(sleeper.pid()), caller))
                    .isInstanceOfSatisfying(
                            ApiException.class, e -> assertThat(e.status()).isEqualTo(HttpStatus.FORBIDDEN))
                    .hasMessageContaining("actions-enabled=false");
            assertThat(backendExists(sleeper.pid())).isTrue();
            assertThat(off.connections(10).actionsEnabled()).isFalse();
        } finally {
            sleeper.close();
        }
    }

    @Test
    void badPidsAre400AndOnlyOperatorsMayAct() {
        HttpResponse<String> r = app.post("/api/v1/admin/database/connections/abc/cancel", operator, null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("pid");
        assertThat(app.post("/api/v1/admin/database/connections/-3/terminate", operator, null)
                        .statusCode())
                .isEqualTo(400);
        assertThat(app.get("/api/v1/admin/database/connections?limit=0", operator)
                        .statusCode())
                .isEqualTo(400);
        // the connections and their audit are the whole server's (every tenant's actors): a school's
        // admin is refused like a student
        String tenantAdmin = app.signIn("admin@northwood.demo");
        for (String path :
                new String[] {"/api/v1/admin/database/connections", "/api/v1/admin/database/connections/audit"}) {
            assertThat(app.get(path, null).statusCode()).as(path).isEqualTo(401);
            assertThat(app.get(path, student).statusCode()).as(path).isEqualTo(403);
            HttpResponse<String> refused = app.get(path, tenantAdmin);
            assertThat(refused.statusCode()).as(path).isEqualTo(403);
            assertThat(refused.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(refused.body()).doesNotContain("actor_email");
        }
        for (String action : new String[] {"cancel", "terminate"}) {
            String path = "/api/v1/admin/database/connections/1/" + action;
            assertThat(app.post(path, null, null).statusCode()).as(path).isEqualTo(401);
            assertThat(app.post(path, student, null).statusCode()).as(path).isEqualTo(403);
            assertThat(app.post(path, tenantAdmin, null).statusCode()).as(path).isEqualTo(403);
        }
    }

    /** A {@code pg_sleep(300)} on a connection of its own, as the service role, on another thread. */
    private static final class Sleeper implements AutoCloseable {
        private final Connection connection;
        private final int pid;
        private final CompletableFuture<Void> running;

        private Sleeper(Connection connection, int pid, CompletableFuture<Void> running) {
            this.connection = connection;
            this.pid = pid;
            this.running = running;
        }

        static Sleeper start(String marker) throws Exception {
            Connection c = service.getConnection();
            int pid;
            try (ResultSet rs = c.createStatement().executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
                try (Statement s = c.createStatement()) {
                    s.execute("/* " + marker + " */ SELECT pg_sleep(300)");
                } catch (SQLException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            Sleeper sleeper = new Sleeper(c, pid, running);
            Boolean sleeping = Await.until(Duration.ofSeconds(10), () -> sleeper.sleeping() ? Boolean.TRUE : null);
            assertThat(sleeping).as("pg_sleep started").isTrue();
            return sleeper;
        }

        int pid() {
            return pid;
        }

        private boolean sleeping() {
            try (Connection c = owner.getConnection();
                    ResultSet rs = c.createStatement()
                            .executeQuery("SELECT 1 FROM pg_stat_activity WHERE pid = " + pid
                                    + " AND wait_event = 'PgSleep'")) {
                return rs.next();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The SQLSTATE the sleeping statement ended with. */
        String failure() throws InterruptedException, java.util.concurrent.TimeoutException {
            try {
                running.get(20, TimeUnit.SECONDS);
                throw new AssertionError("pg_sleep(300) returned normally");
            } catch (ExecutionException e) {
                return ((SQLException) e.getCause()).getSQLState();
            }
        }

        @Override
        public void close() throws SQLException {
            if (!running.isDone()) {
                try (Connection c = TestCluster.shared().superuserDataSource().getConnection();
                        Statement s = c.createStatement()) {
                    s.execute("SELECT pg_cancel_backend(" + pid + ")");
                } catch (SQLException e) {
                    // already gone
                }
                running.handle((v, e) -> null).join();
            }
            connection.close();
        }
    }

    private static boolean backendExists(int pid) {
        try (Connection c = owner.getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT 1 FROM pg_stat_activity WHERE pid = " + pid)) {
            return rs.next();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long countAudit(String where) throws SQLException {
        try (Connection c = owner.getConnection();
                ResultSet rs =
                        c.createStatement().executeQuery("SELECT count(*) FROM connection_audit WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long sum(JsonNode groups, String key, String value) {
        long n = 0;
        for (JsonNode g : groups) {
            if (g.path(key).asString().equals(value)) {
                n += g.path("connections").asLong();
            }
        }
        return n;
    }

    private static JsonNode find(JsonNode live, int pid) {
        for (JsonNode row : live) {
            if (row.path("pid").asInt() == pid) {
                return row;
            }
        }
        return null;
    }
}
