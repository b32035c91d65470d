package dev.classbase.data.routing;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.data.Probe;
import dev.classbase.testsupport.PgBouncerProcess;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The same contract with the primary behind a real PgBouncer 1.18 in transaction mode: no
 * server-side prepared statements, nothing but SET LOCAL, the commit position still exact.
 */
class RoutingThroughPgBouncerTests extends RoutingContract {
    private static PgBouncerProcess bouncer;
    private static TestApp app;

    @BeforeAll
    static void start() throws Exception {
        TestCluster cluster = TestCluster.shared();
        Probe.createTable(cluster.primaryDataSource());
        EmbeddedCluster c = cluster.cluster();
        bouncer = PgBouncerProcess.start(c, List.of(EmbeddedCluster.SERVICE_ROLE));
        app = TestApp.start(
                cluster.springProperties(),
                Map.of("classbase.database.primary.url", bouncer.url(), "classbase.pools.pgbouncer", "true"),
                Probe.class);
        Probe.awaitReplicasInRotation(app, 2);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (bouncer != null) {
            bouncer.close();
        }
    }

    @Override
    TestApp app() {
        return app;
    }
}
