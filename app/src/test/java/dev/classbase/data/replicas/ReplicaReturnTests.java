package dev.classbase.data.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.data.Migrations;
import dev.classbase.data.pool.Pools;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A replica that comes back after an outage longer than a connection pool's retry backoff: the
 * monitor's next poll reaches it (its connection is its own, not a pool's that sleeps between
 * attempts), and while it is out its request pools keep no minimum of idle connections, so nothing
 * keeps retrying it with a growing backoff either; back in rotation, they keep their minimum again.
 * On a cluster of its own, whose replica this test stops and starts.
 */
class ReplicaReturnTests {
    private static EmbeddedCluster cluster;
    private static TestApp app;

    @BeforeAll
    static void start() {
        cluster = TestCluster.startPrivate("replica-return", 1);
        Migrations.apply(TestCluster.dataSource(cluster.primary()));
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
    void aReturningReplicaIsPolledAtOnceAndItsPoolsRestWhileItIsOut() throws Exception {
        ReplicaMonitor monitor = app.bean(ReplicaMonitor.class);
        Pools pools = app.bean(Pools.class);
        HikariDataSource requests = pools.replicas().get("replica1");
        HikariDataSource analytics = pools.analyticsReplicas().get("replica1");
        int requestsMinIdle = requests.getMinimumIdle();
        int analyticsMinIdle = analytics.getMinimumIdle();
        Await.until(Duration.ofSeconds(30), () -> monitor.status("replica1").inRotation() ? true : null);

        cluster.stopReplica(0);
        Await.until(Duration.ofSeconds(30), () -> monitor.status("replica1").inRotation() ? null : true);
        assertThat(requests.getMinimumIdle()).isZero();
        assertThat(analytics.getMinimumIdle()).isZero();
        // an outage of 40 failed polls (10 s at 250 ms): longer than HikariCP's retry backoff takes
        // to reach its 5 s ceiling (10 ms, doubling)
        java.util.Set<Instant> failedPolls = new java.util.HashSet<>();
        Await.until(Duration.ofSeconds(90), () -> {
            ReplicaMonitor.Status s = monitor.status("replica1");
            if (s.reason().startsWith("unreachable")) {
                failedPolls.add(s.polledAt());
            }
            return failedPolls.size() >= 40 ? true : null;
        });
        assertThat(monitor.status("replica1").reason()).startsWith("unreachable");

        cluster.startReplica(0);
        DataSource direct = TestCluster.dataSource(cluster.replicas().get(0));
        Await.until(Duration.ofSeconds(60), () -> accepts(direct) ? true : null);
        Instant up = Instant.now();
        // the poll under way when the replica came up may have begun before it: the one after it
        // began after it, and must reach it
        Instant first = Await.until(Duration.ofSeconds(10), () -> polledAfter(monitor, up));
        Instant second = Await.until(Duration.ofSeconds(10), () -> polledAfter(monitor, first));
        ReplicaMonitor.Status next = monitor.status("replica1");
        assertThat(next.polledAt()).isAfterOrEqualTo(second);
        assertThat(next.reason()).as("the poll after the replica returned").doesNotStartWith("unreachable");

        Await.until(Duration.ofSeconds(30), () -> monitor.status("replica1").inRotation() ? true : null);
        assertThat(requests.getMinimumIdle()).isEqualTo(requestsMinIdle);
        assertThat(analytics.getMinimumIdle()).isEqualTo(analyticsMinIdle);
    }

    private static Instant polledAfter(ReplicaMonitor monitor, Instant after) {
        Instant at = monitor.status("replica1").polledAt();
        return at != null && at.isAfter(after) ? at : null;
    }

    private static boolean accepts(DataSource source) {
        try (Connection c = source.getConnection()) {
            return c.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }
}
