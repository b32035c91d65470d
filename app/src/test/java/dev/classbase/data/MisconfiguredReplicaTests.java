package dev.classbase.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

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

            HttpResponse<String> health = app.send("GET", "/actuator/health", null, null, Map.of());
            assertThat(TestApp.json(health).at("/components/replica1/status").asString())
                    .isEqualTo("DOWN");
            assertThat(TestApp.json(health)
                            .at("/components/replica1/details/inRotation")
                            .asBoolean(true))
                    .isFalse();
        }
    }
}
