package dev.classbase.ops.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.cluster.Endpoint;
import dev.classbase.data.replicas.ReplicaMonitor;
import dev.classbase.data.replicas.RoutingProperties;
import dev.classbase.ops.checks.Check;
import dev.classbase.ops.checks.Checks;
import dev.classbase.ops.kernel.ConsoleDatabase;
import dev.classbase.ops.kernel.ConsoleProperties;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Replication from the shared cluster's primary: its two streaming replicas, their slots, the WAL kept. */
class ReplicationControllerTests {
    private static TestApp app;
    private static String operator;

    @BeforeAll
    static void start() {
        app = TestApp.shared();
        operator = app.signInOperator();
    }

    @Test
    void everyReplicaAppearsWithItsLagAndSlot() throws InterruptedException {
        // the app's replica monitor polls each replica (named as its slot and application_name)
        JsonNode body = Await.until(Duration.ofSeconds(30), () -> {
            HttpResponse<String> r = app.get("/api/v1/admin/database/replication", operator);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode b = TestApp.json(r);
            int fromMonitor = 0;
            for (JsonNode s : b.path("standbys")) {
                fromMonitor += s.path("lag_source").asString().equals("replica monitor") ? 1 : 0;
            }
            return fromMonitor == 2 ? b : null;
        });
        assertThat(body).as("both standbys matched to the monitor's replicas").isNotNull();
        JsonNode standbys = body.path("standbys");
        assertThat(standbys.size()).as(body.toString()).isEqualTo(2);
        for (JsonNode s : standbys) {
            assertThat(s.path("state").asString()).isEqualTo("streaming");
            assertThat(s.path("lag_bytes").isNumber()).as(s.toString()).isTrue();
            assertThat(s.path("lag_bytes").isIntegralNumber()).as(s.toString()).isTrue();
            assertThat(s.path("lag_bytes").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(s.path("replay_lsn").asString()).matches("[0-9A-F]+/[0-9A-F]+");
            assertThat(s.path("send_lag_bytes").isIntegralNumber())
                    .as(s.toString())
                    .isTrue();
            assertThat(s.path("send_lag_bytes").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(s.path("lag_seconds").isNumber()).as(s.toString()).isTrue();
            assertThat(s.path("lag_seconds").asDouble()).isGreaterThanOrEqualTo(0);
            assertThat(s.path("monitor").path("name").asString())
                    .isEqualTo(s.path("name").asString());
        }
        // the replicas stream through physical slots, active, each holding WAL back
        JsonNode slots = body.path("slots");
        int active = 0;
        for (JsonNode slot : slots) {
            if (slot.path("active").asBoolean()) {
                active++;
                assertThat(slot.path("slot_type").asString()).isEqualTo("physical");
                assertThat(slot.path("retained_bytes").isIntegralNumber())
                        .as(slot.toString())
                        .isTrue();
                assertThat(slot.path("retained_bytes").asLong()).isGreaterThanOrEqualTo(0);
            }
        }
        assertThat(active).as(slots.toString()).isEqualTo(2);
        assertThat(body.path("wal").path("wal_bytes").asLong()).isPositive();
        assertThat(body.path("wal").path("wal_files").asInt()).isPositive();
        assertThat(body.path("monitored").size()).isEqualTo(2);
    }

    /**
     * A replica that receives but does not apply ({@code recovery_min_apply_delay}, on a cluster of
     * the test's own): its WAL is flushed there, its replay lags in bytes, the monitor says so too.
     */
    @Test
    void aDelayedReplicaShowsItsReplayLag() throws Exception {
        try (EmbeddedCluster cluster = TestCluster.startPrivate("console-delay", 1)) {
            Endpoint replica = cluster.replicas().getFirst();
            try (Connection c =
                            TestCluster.dataSource(cluster.superuser(replica)).getConnection();
                    Statement s = c.createStatement()) {
                s.execute("ALTER SYSTEM SET recovery_min_apply_delay = '1h'");
                s.execute("SELECT pg_reload_conf()");
            }
            DataSource primary = TestCluster.dataSource(cluster.superuser(cluster.primary()));
            try (ConsoleDatabase db = new ConsoleDatabase(primary, () -> {})) {
                ReplicaMonitor monitor = new ReplicaMonitor(
                        TestCluster.dataSource(cluster.primary()),
                        List.of(new ReplicaMonitor.Target(replica.name(), TestCluster.dataSource(replica))),
                        RoutingProperties.defaults(),
                        new SimpleMeterRegistry());
                ReplicationController controller = new ReplicationController(db, ConsoleProperties.defaults(), monitor);
                // a commit after the delay took effect: received at once, applied in an hour
                AtomicInteger n = new AtomicInteger();
                ReplicationController.Standby lagging = Await.until(Duration.ofSeconds(60), () -> {
                    try (Connection c = primary.getConnection();
                            Statement s = c.createStatement()) {
                        s.execute("CREATE TABLE IF NOT EXISTS delay_probe (n int)");
                        s.execute("INSERT INTO delay_probe VALUES (" + n.incrementAndGet() + ")");
                        monitor.pollNow();
                        ReplicationController.Standby standby =
                                controller.replication().standbys().getFirst();
                        long replay = standby.replayLagBytes();
                        long flush = standby.flushLagBytes();
                        return replay > 0 && flush < replay ? standby : null;
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertThat(lagging).as("the delayed replica lags in replay").isNotNull();
                assertThat(lagging.lagBytes()).isPositive();
                ReplicaMonitor.Status status = monitor.status(replica.name());
                assertThat(status.lagBytes()).as(status.toString()).isPositive();

                // the overview's replication check turns amber once the replica is 5 s behind
                // (a replica planted to lag); the check reads the monitor, not the server
                Checks checks = new Checks(db, ConsoleProperties.defaults(), monitor, null);
                Check amber = Await.until(Duration.ofSeconds(60), () -> {
                    monitor.pollNow();
                    Check now = checks.one("replication_lag").orElseThrow();
                    return now.status().equals(Check.GREEN) ? null : now;
                });
                assertThat(amber).as("the replication check fired").isNotNull();
                assertThat(amber.status()).isEqualTo(Check.AMBER);
                assertThat(((Checks.ReplicaLag) amber.details().getFirst()).replica())
                        .isEqualTo(replica.name());
                assertThat(((Checks.ReplicaLag) amber.details().getFirst()).lagSeconds())
                        .isGreaterThan(5.0);
            }
        }
    }

    @Test
    void onlyAdminsMayRead() {
        String path = "/api/v1/admin/database/replication";
        assertThat(app.get(path, null).statusCode()).isEqualTo(401);
        assertThat(app.get(path, app.signIn("student1@northwood.demo")).statusCode())
                .isEqualTo(403);
    }
}
