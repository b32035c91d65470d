package dev.classbase.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.platform.operators.OperatorAccounts;
import dev.classbase.seed.DemoAccounts;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.Cli;
import dev.classbase.testsupport.Http;
import dev.classbase.testsupport.LocalPorts;
import dev.classbase.testsupport.Postmasters;
import dev.classbase.testsupport.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code serve} as a user runs it: a real child process, a real cluster, real HTTP. */
class ServeTests {
    private static final Duration FIRST_START = Duration.ofMinutes(4);

    @Test
    void servesOnTheEmbeddedClusterSeedsOnceStopsCleanlyAndSurvivesAKill() throws Exception {
        Path dir = dev.classbase.testsupport.TestCluster.privateDir("serve").toAbsolutePath();
        FileUtils.deleteDirectory(dir.toFile());
        Map<String, String> env = Map.of("CLASSBASE_DATA_DIR", dir.toString());
        int port = LocalPorts.free();
        String base = "http://localhost:" + port;

        Path out1 = Cli.temp("out");
        Process server = Cli.start(env, out1, Cli.temp("err"), "serve", "--port", Integer.toString(port));
        Http.Response health = Http.awaitOk(base + "/actuator/health", FIRST_START, server);
        assertThat(health).as("health answers 200").isNotNull();
        // the first start ends by naming the demo accounts, after Spring's start-up log
        assertThat(Await.until(Duration.ofSeconds(10), () -> Cli.read(out1).contains("Demo accounts") ? true : null))
                .as(Cli.read(out1))
                .isTrue();
        String out = Cli.read(out1);
        assertThat(out.substring(out.indexOf("classbase is up")))
                .contains("Demo accounts (password 'classbase-demo'): admin@northwood.demo")
                .contains("Operator (platform staff: the database console at /admin, the actuator): "
                        + "operator@classbase.demo, password 'classbase-demo'");
        // a probe sees the status (and the probe groups' names) only; the seeded operator sees the components
        assertThat(health.json().propertyNames()).containsOnly("status", "groups");
        String operator = Http.signIn(base, DemoAccounts.OPERATOR, DemoAccounts.PASSWORD);
        JsonNode json = Http.get(base + "/actuator/health", operator).json();
        assertThat(json.path("status").asString()).isEqualTo("UP");
        assertThat(json.at("/components/primary/details/inRecovery").asBoolean(true))
                .isFalse();
        assertThat(json.at("/components/replica1/status").asString()).isEqualTo("UP");
        assertThat(json.at("/components/replica1/details/state").asString()).isEqualTo("streaming");
        assertThat(json.at("/components/replica1/details/lagBytes").isNumber()).isTrue();

        assertThat(Http.get(base + "/actuator/prometheus").status()).isEqualTo(401);
        Http.Response metrics = Http.get(base + "/actuator/prometheus", operator);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("hikaricp_connections");

        // the server's pools log in as the service role, so row-level security applies to them
        JsonNode connections = operatorGet(base, "/api/v1/admin/database/connections");
        JsonNode own = null;
        for (JsonNode row : connections.path("live")) {
            if (row.path("own").asBoolean()) {
                own = row;
            }
        }
        assertThat(own).as(connections.toString()).isNotNull();
        assertThat(own.path("user").asString()).isEqualTo("classbase_app");

        Cli.Result status = Cli.run(env, Duration.ofSeconds(60), "status");
        assertThat(status.exitCode()).as(status.output()).isZero();
        assertThat(status.stdout()).contains("primary", "replica1", "streaming", "tenants 3", "users 2,");

        // SIGTERM: the server and its cluster stop, nothing left behind
        server.destroy();
        assertThat(server.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(Await.until(
                        Duration.ofSeconds(30), () -> Postmasters.under(dir).isEmpty() ? true : null))
                .as("no postmaster outlives serve")
                .isTrue();
        assertThat(Cli.run(env, Duration.ofSeconds(60), "status").exitCode()).isEqualTo(3);

        // second start: existing cluster, no second seeding
        Path err2 = Cli.temp("err");
        server = Cli.start(env, Cli.temp("out"), err2, "serve", "--port", Integer.toString(port));
        assertThat(Http.awaitOk(base + "/actuator/health", Duration.ofMinutes(2), server))
                .isNotNull();
        assertThat(Cli.read(err2)).doesNotContain("seeding");
        assertThat(Cli.run(env, Duration.ofSeconds(60), "status").stdout()).contains("tenants 3");

        // SIGKILL: the lifeline stops the servers; the next start recovers
        server.destroyForcibly().waitFor();
        assertThat(Await.until(
                        Duration.ofSeconds(30), () -> Postmasters.under(dir).isEmpty() ? true : null))
                .as("the lifeline stops the postmasters of a killed server")
                .isTrue();
        server = Cli.start(env, Cli.temp("out"), Cli.temp("err"), "serve", "--port", Integer.toString(port));
        try {
            Http.Response again = Http.awaitOk(base + "/actuator/health", Duration.ofMinutes(2), server);
            assertThat(again).isNotNull();
            String token = Http.signIn(base, DemoAccounts.OPERATOR, DemoAccounts.PASSWORD);
            assertThat(Http.get(base + "/actuator/health", token)
                            .json()
                            .at("/components/replica1/details/state")
                            .asString())
                    .isEqualTo("streaming");
        } finally {
            server.destroy();
            server.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void externalModeUsesTheGivenServersMigratesAndNeverSeeds() throws Exception {
        try (EmbeddedCluster external = TestCluster.startPrivate("external", 1)) {
            String user = external.primary().user();
            String password = external.primary().password();
            String primaryUrl = "postgresql://" + user + ":" + password + "@127.0.0.1:"
                    + external.primary().port() + "/classbase";
            String replicaUrl = "jdbc:postgresql://127.0.0.1:"
                    + external.replicas().get(0).port() + "/classbase?user=" + user + "&password=" + password;
            Path out = Cli.temp("out");
            Path err = Cli.temp("err");
            int port = LocalPorts.free();
            Process server = Cli.start(
                    Map.of("CLASSBASE_DATABASE_URL", primaryUrl, "CLASSBASE_REPLICA_URLS", replicaUrl),
                    out,
                    err,
                    "serve",
                    "--port",
                    Integer.toString(port));
            try {
                Http.Response health =
                        Http.awaitOk("http://localhost:" + port + "/actuator/health", Duration.ofMinutes(2), server);
                assertThat(health).isNotNull();
                // never seeded, so no demo operator: the owner adds one, as an operator of it would
                new OperatorAccounts(TestCluster.dataSource(external.primary()))
                        .add("ops@example.org", OperatorAccounts.hash("external-operator-pw"));
                String token = Http.signIn("http://localhost:" + port, "ops@example.org", "external-operator-pw");
                JsonNode details = Http.get("http://localhost:" + port + "/actuator/health", token)
                        .json();
                assertThat(details.at("/components/primary/status").asString()).isEqualTo("UP");
                assertThat(details.at("/components/replica1/details/state").asString())
                        .isEqualTo("streaming");
                assertThat(EmbeddedClusterQueries.count(external, "SELECT count(*) FROM tenants"))
                        .isZero();
                assertThat(EmbeddedClusterQueries.count(external, "SELECT count(*) FROM flyway_schema_history"))
                        .isPositive();
                assertThat(Cli.read(out) + Cli.read(err))
                        .doesNotContain(password)
                        .doesNotContain("seeding");
            } finally {
                server.destroy();
                server.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }

    /** GET as the demo operator, seeded by the first start. */
    private static JsonNode operatorGet(String base, String path) throws Exception {
        String token = Http.signIn(base, DemoAccounts.OPERATOR, DemoAccounts.PASSWORD);
        Http.Response response = Http.get(base + path, token);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    /** Counting queries against a cluster, as the application role. */
    static final class EmbeddedClusterQueries {
        static long count(EmbeddedCluster cluster, String sql) throws Exception {
            try (var c = TestCluster.dataSource(cluster.primary()).getConnection();
                    var s = c.createStatement();
                    var rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
