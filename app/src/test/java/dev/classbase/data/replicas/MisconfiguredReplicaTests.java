package dev.classbase.data.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.data.Probe;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A replica URL that points at a primary is detected and never serves reads. */
class MisconfiguredReplicaTests {

    @Test
    void aReplicaUrlPointingAtThePrimaryIsRefusedForReads() throws Exception {
        TestCluster shared = TestCluster.shared();
        Probe.createTable(shared.primaryDataSource());
        EmbeddedCluster cluster = shared.cluster();
        Map<String, Object> props = new java.util.LinkedHashMap<>(shared.springProperties());
        props.keySet().removeIf(k -> k.startsWith("classbase.database.replicas"));
        props.put("classbase.database.replicas[0].name", "replica1");
        props.put("classbase.database.replicas[0].url", cluster.primary().jdbcUrl());
        props.put(
                "classbase.database.replicas[0].username",
                cluster.service(cluster.primary()).user());
        props.put(
                "classbase.database.replicas[0].password",
                cluster.service(cluster.primary()).password());
        try (TestApp app = TestApp.start(props, Map.of(), Probe.class)) {
            ReplicaMonitor monitor = app.bean(ReplicaMonitor.class);
            ReplicaMonitor.Status status = Await.until(Duration.ofSeconds(10), () -> {
                ReplicaMonitor.Status s = monitor.status("replica1");
                return s.polledAt() != null ? s : null;
            });
            assertThat(status.inRotation()).isFalse();
            assertThat(status.reason()).startsWith("not a replica");

            Probe.Where where = app.bean(Probe.Service.class).whereRead();
            assertThat(where.port()).isEqualTo(cluster.primary().port());
            HttpResponse<String> read = app.send("GET", "/probe/rows/1", null, null, Map.of());
            assertThat(read.headers().firstValue("Classbase-Read-Source")).hasValue("primary (replica-down)");

            // the components are shown to an operator only
            HttpResponse<String> health = app.send("GET", "/actuator/health", app.signInOperator(), null, Map.of());
            // DEGRADED, not DOWN: reads fall back to the primary, so the instance stays in rotation
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(TestApp.json(health).at("/components/replica1/status").asString())
                    .isEqualTo("DEGRADED");
            assertThat(TestApp.json(health)
                            .at("/components/replica1/details/why")
                            .asString())
                    .startsWith("not a replica");
            assertThat(TestApp.json(health)
                            .at("/components/replica1/details/inRotation")
                            .asBoolean(true))
                    .isFalse();
        }
    }

    /** The breaker's transitions are logged with what the poll that moved it found, not the poll before. */
    @Test
    void theBreakersTransitionsAreLoggedWithTheirOwnCause() throws Exception {
        TestCluster shared = TestCluster.shared();
        RoutingProperties properties = new RoutingProperties(Duration.ofMillis(20), null, 0, 0, null);
        ReplicaMonitor monitor = new ReplicaMonitor(
                shared.primaryDataSource(),
                List.of(new ReplicaMonitor.Target("replica1", shared.primaryDataSource())),
                properties,
                new SimpleMeterRegistry());
        Logger log = (Logger) LoggerFactory.getLogger(ReplicaMonitor.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        log.addAppender(logs);
        try {
            monitor.pollNow(); // closed to open: the URL points at a primary, whose connections are retired
            // polls within the breaker's 20 ms wait move nothing; the first after it goes open to
            // half-open, then half-open to open
            Await.until(Duration.ofSeconds(10), () -> {
                monitor.pollNow();
                return logs.list.size() >= 4 ? Boolean.TRUE : null;
            });
        } finally {
            log.detachAppender(logs);
        }
        List<String> lines =
                logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines)
                .containsExactly(
                        "replica1: the server accepts writes; retiring the replica's connections so new ones look"
                                + " for a standby",
                        "replica1: State transition from CLOSED to OPEN"
                                + " (not a replica: the server accepts writes (check the replica URL))",
                        "replica1: State transition from OPEN to HALF_OPEN"
                                + " (polling again after the breaker's wait of 20 ms)",
                        "replica1: State transition from HALF_OPEN to OPEN"
                                + " (not a replica: the server accepts writes (check the replica URL))");
    }

    /**
     * A replica URL that reaches a server accepting writes (a standby promoted by a failover) has its
     * connections retired, so that a multi-host URL chooses a standby again; once per interval, not
     * at every poll.
     */
    @Test
    void aReplicaThatAcceptsWritesIsReconnectedOncePerInterval() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setDataSource(TestCluster.shared().primaryDataSource());
        config.setMaximumPoolSize(1);
        config.setPoolName("monitor-promoted");
        List<String> reconnected = new ArrayList<>();
        try (HikariDataSource pool = new HikariDataSource(config)) {
            ReplicaMonitor monitor = new ReplicaMonitor(
                    TestCluster.shared().primaryDataSource(),
                    List.of(new ReplicaMonitor.Target("replica1", pool)),
                    new RoutingProperties(Duration.ofMillis(20), null, 0, 0, null),
                    new SimpleMeterRegistry(),
                    reconnected::add);
            int before = backendPid(pool);
            monitor.pollNow();
            monitor.pollNow();
            assertThat(reconnected).containsExactly("replica1");
            assertThat(monitor.status("replica1").reason()).startsWith("not a replica");
            assertThat(backendPid(pool)).as("a new server connection").isNotEqualTo(before);
        }
    }

    private static int backendPid(HikariDataSource pool) throws Exception {
        try (Connection c = pool.getConnection();
                ResultSet rs = c.createStatement().executeQuery("select pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
