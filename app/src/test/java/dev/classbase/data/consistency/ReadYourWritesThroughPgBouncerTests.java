package dev.classbase.data.consistency;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.data.Migrations;
import dev.classbase.data.Probe;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/** The same thousand rounds with the primary behind a real PgBouncer in transaction mode. */
class ReadYourWritesThroughPgBouncerTests extends ReadYourWritesTests {
    @BeforeAll
    static void startBehindPgBouncer() throws Exception {
        cluster = TestCluster.startPrivate("ryw-bouncer", 2);
        Migrations.apply(TestCluster.dataSource(cluster.primary()));
        Probe.createTable(TestCluster.dataSource(cluster.primary()));
        bouncer = dev.classbase.testsupport.PgBouncerProcess.start(
                cluster, java.util.List.of(EmbeddedCluster.SERVICE_ROLE));
        app = TestApp.start(
                TestCluster.springProperties(cluster),
                Map.of("classbase.database.primary.url", bouncer.url(), "classbase.pools.pgbouncer", "true"),
                Probe.class);
        Probe.awaitReplicasInRotation(app, 2);
    }
}
