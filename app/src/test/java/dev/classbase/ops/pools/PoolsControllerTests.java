package dev.classbase.ops.pools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.cluster.Endpoint;
import dev.classbase.data.pool.Pools;
import dev.classbase.testsupport.PgBouncerProcess;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Pools: the app's Hikari pools with their numbers; PgBouncer not configured, then a real one. */
class PoolsControllerTests {
    private static TestApp app;
    private static String operator;

    @BeforeAll
    static void start() {
        app = TestApp.shared();
        operator = app.signInOperator();
    }

    @Test
    void everyHikariPoolWithItsNumbersAndPgBouncerNotConfigured() {
        HttpResponse<String> r = app.get("/api/v1/admin/database/pools", operator);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = TestApp.json(r);
        List<String> expected =
                app.bean(Pools.class).all().stream().map(p -> p.getPoolName()).toList();
        assertThat(body.path("hikari").size()).isEqualTo(expected.size()).isGreaterThanOrEqualTo(4);
        for (JsonNode pool : body.path("hikari")) {
            assertThat(expected).contains(pool.path("name").asString());
            assertThat(pool.path("max").asInt()).isPositive();
            if (pool.path("started").asBoolean()) {
                assertThat(pool.path("total").asInt())
                        .isEqualTo(
                                pool.path("active").asInt() + pool.path("idle").asInt())
                        .isLessThanOrEqualTo(pool.path("max").asInt());
                assertThat(pool.path("waiting").isIntegralNumber())
                        .as(pool.toString())
                        .isTrue();
                assertThat(pool.path("waiting").asInt()).isGreaterThanOrEqualTo(0);
                // the app's pools register HikariCP's Micrometer metrics
                assertThat(pool.path("timeouts").isNumber()).as(pool.toString()).isTrue();
            }
        }
        JsonNode bouncer = body.path("pgbouncer");
        assertThat(bouncer.path("configured").asBoolean()).isFalse();
        assertThat(bouncer.path("note").asString()).startsWith("not configured");
    }

    @Test
    void aConfiguredPgBouncerAnswersShowPoolsAndStats() throws SQLException {
        EmbeddedCluster cluster = TestCluster.shared().cluster();
        Endpoint service = cluster.service(cluster.primary());
        try (PgBouncerProcess bouncer = PgBouncerProcess.start(cluster, List.of(service.user()))) {
            // PgBouncer lists a database's pool once a client has used it
            try (Connection c = DriverManager.getConnection(bouncer.url(), service.user(), service.password());
                    ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
                assertThat(rs.next()).isTrue();
            }
            PoolsController controller = new PoolsController(
                    app.bean(Pools.class),
                    app.bean(MeterRegistry.class),
                    new PoolsProperties("127.0.0.1", bouncer.port(), service.user(), service.password()));
            PoolsController.PgBouncer answer = controller.pgbouncer();
            assertThat(answer.available()).as(answer.note()).isTrue();
            assertThat(answer.pools())
                    .anySatisfy(row -> assertThat(row.get("database")).isEqualTo("classbase"));
            assertThat(answer.stats()).anySatisfy(row -> assertThat(row).containsKey("total_query_count"));
        }
        // a PgBouncer that is gone: said in the answer, not an error
        PoolsController gone = new PoolsController(
                app.bean(Pools.class), app.bean(MeterRegistry.class), new PoolsProperties("127.0.0.1", 1, "x", "y"));
        PoolsController.PgBouncer answer = gone.pgbouncer();
        assertThat(answer.configured()).isTrue();
        assertThat(answer.available()).isFalse();
        assertThat(answer.note()).contains("did not answer");
    }

    @Test
    void onlyAdminsMayRead() {
        String path = "/api/v1/admin/database/pools";
        assertThat(app.get(path, null).statusCode()).isEqualTo(401);
        assertThat(app.get(path, app.signIn("student1@northwood.demo")).statusCode())
                .isEqualTo(403);
    }
}
