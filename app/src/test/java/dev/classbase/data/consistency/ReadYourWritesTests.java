package dev.classbase.data.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.data.Migrations;
import dev.classbase.data.Probe;
import dev.classbase.data.replicas.ReplicaMonitor;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Read-your-writes by LSN while one replica applies WAL three seconds late: a thousand
 * write-then-read rounds with the token never read stale, the late replica leaves the rotation by
 * the lag gate and comes back when the delay is removed.
 */
class ReadYourWritesTests {
    static EmbeddedCluster cluster;
    static TestApp app;
    static dev.classbase.testsupport.PgBouncerProcess bouncer;

    @BeforeAll
    static void start(TestInfo test) throws Exception {
        if (test.getTestClass().orElseThrow() != ReadYourWritesTests.class) {
            return; // a subclass brings its own cluster (JUnit runs a superclass's @BeforeAll too)
        }
        cluster = TestCluster.startPrivate("ryw", 2);
        Migrations.apply(TestCluster.dataSource(cluster.primary()));
        Probe.createTable(TestCluster.dataSource(cluster.primary()));
        app = TestApp.start(TestCluster.springProperties(cluster), Map.of(), Probe.class);
        Probe.awaitReplicasInRotation(app, 2);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
            app = null;
        }
        if (bouncer != null) {
            bouncer.close();
            bouncer = null;
        }
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    @Test
    void aThousandWriteThenReadRoundsWithTheTokenNeverReadStale() throws Exception {
        setApplyDelay("3s");
        ReplicaMonitor monitor = app.bean(ReplicaMonitor.class);
        // keep WAL flowing until the gate sees the delay
        Object excluded = Await.until(Duration.ofSeconds(30), () -> {
            app.bean(Probe.Service.class).insert("warm-up");
            ReplicaMonitor.Status s = monitor.status("replica2");
            return !s.inRotation() && s.reason().startsWith("lag") ? s : null;
        });
        assertThat(excluded)
                .as("replica2 excluded by the lag gate: %s", monitor.statuses())
                .isNotNull();

        int stale = 0;
        Map<String, Integer> sources = new TreeMap<>();
        for (int round = 0; round < 1000; round++) {
            HttpResponse<String> written = app.send("POST", "/probe/rows", null, null, Map.of());
            assertThat(written.statusCode()).isEqualTo(200);
            String token = written.headers().firstValue("Classbase-Consistency").orElseThrow();
            long id = TestApp.json(written).path("id").asLong();
            HttpResponse<String> read =
                    app.send("GET", "/probe/rows/" + id, null, null, Map.of("Classbase-Consistency", token));
            if (read.statusCode() == 404) {
                stale++;
            }
            sources.merge(read.headers().firstValue("Classbase-Read-Source").orElse("?"), 1, Integer::sum);
        }
        System.out.println("read-your-writes: 1000 rounds, read sources " + sources);
        assertThat(stale).as("stale reads; read sources %s", sources).isZero();
        assertThat(sources.keySet()).as("the delayed replica served no read").noneMatch(k -> k.contains("replica2"));

        setApplyDelay(null);
        Object back = Await.until(Duration.ofSeconds(30), () -> {
            app.bean(Probe.Service.class).insert("catch-up");
            return monitor.status("replica2").inRotation() ? Boolean.TRUE : null;
        });
        assertThat(back).as("replica2 readmitted: %s", monitor.statuses()).isNotNull();
    }

    private static void setApplyDelay(String delay) throws Exception {
        try (Connection c = TestCluster.dataSource(
                                cluster.superuser(cluster.replicas().get(1)))
                        .getConnection();
                Statement s = c.createStatement()) {
            s.execute(
                    delay == null
                            ? "ALTER SYSTEM RESET recovery_min_apply_delay"
                            : "ALTER SYSTEM SET recovery_min_apply_delay = '" + delay + "'");
            s.execute("SELECT pg_reload_conf()");
        }
    }
}
