package dev.classbase.data.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.data.Migrations;
import dev.classbase.platform.operators.OperatorAccounts;
import dev.classbase.seed.DemoAccounts;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.Cli;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import tools.jackson.databind.JsonNode;

/**
 * Readiness survives a replica: on a cluster of its own with one replica stopped, the instance
 * stays ready (200) and the overall health is DEGRADED (200) with why; commands that need only the
 * primary work on the degraded cluster. Readiness fails when the instance cannot serve: shutting
 * down, or no primary.
 */
@TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ReadinessTests {
    private static EmbeddedCluster cluster;
    private static TestApp app;

    @BeforeAll
    static void start() {
        cluster = TestCluster.startPrivate("readiness", 1);
        Migrations.apply(TestCluster.dataSource(cluster.primary()));
        new OperatorAccounts(TestCluster.dataSource(cluster.primary()))
                .addIfAbsent(DemoAccounts.OPERATOR, DemoAccounts.passwordHash());
        app = TestApp.start(TestCluster.springProperties(cluster), Map.of());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void aStoppedReplicaDegradesTheHealthButTheInstanceStaysReady() throws Exception {
        assertThat(app.get("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
        cluster.stopReplica(0);
        JsonNode health = Await.until(Duration.ofSeconds(30), () -> {
            JsonNode h = TestApp.json(app.get("/actuator/health", null));
            return "DEGRADED".equals(h.path("status").asString()) ? h : null;
        });
        assertThat(health.path("status").asString()).isEqualTo("DEGRADED");
        HttpResponse<String> overall = app.get("/actuator/health", null);
        assertThat(overall.statusCode()).isEqualTo(200);

        // the readiness probe: 200, the status only (no details for an anonymous caller)
        HttpResponse<String> readiness = app.get("/actuator/health/readiness", null);
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(TestApp.json(readiness).path("status").asString()).isEqualTo("UP");
        assertThat(readiness.body()).doesNotContain("replica1", "primary", "details");
        assertThat(app.get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);

        // an operator sees which replica and why
        JsonNode detailed = TestApp.json(app.get("/actuator/health", app.signIn(DemoAccounts.OPERATOR)));
        assertThat(detailed.at("/components/replica1/status").asString()).isEqualTo("DEGRADED");
        assertThat(detailed.at("/components/replica1/details/why").asString()).contains("unreachable");
        assertThat(detailed.at("/components/primary/status").asString()).isEqualTo("UP");
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void commandsThatNeedOnlyThePrimaryWorkOnTheDegradedCluster() {
        assertThat(cluster.running("replica1")).isFalse();
        Path dir = cluster.dir();
        Cli.Result config = Cli.inProcess("pgbouncer-config", "--data-dir", dir.toString());
        assertThat(config.exitCode()).as(config.output()).isZero();
        assertThat(config.stdout()).contains("pool_mode = transaction");
        Cli.Result status = Cli.inProcess("db", "status", "--data-dir", dir.toString());
        assertThat(status.exitCode()).as(status.output()).isZero();
        assertThat(status.stdout()).containsPattern("primary\\s+running").containsPattern("replica1\\s+down");
        Cli.Result migrate = Cli.inProcess("migrate", "--data-dir", dir.toString());
        assertThat(migrate.exitCode()).as(migrate.output()).isZero();
    }

    @Test
    @org.junit.jupiter.api.Order(3)
    void notReadyWhileShuttingDown() {
        AvailabilityChangeEvent.publish(app.context(), ReadinessState.REFUSING_TRAFFIC);
        try {
            assertThat(app.get("/actuator/health/readiness", null).statusCode()).isEqualTo(503);
            assertThat(app.get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
        } finally {
            AvailabilityChangeEvent.publish(app.context(), ReadinessState.ACCEPTING_TRAFFIC);
        }
        assertThat(app.get("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
    }

    @Test
    @org.junit.jupiter.api.Order(4)
    void notReadyWithoutThePrimary() throws Exception {
        cluster.stopPrimary();
        int status = Await.until(Duration.ofSeconds(60), () -> {
            int s = app.get("/actuator/health/readiness", null).statusCode();
            return s == 503 ? s : null;
        });
        assertThat(status).isEqualTo(503);
        assertThat(app.get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
    }
}
