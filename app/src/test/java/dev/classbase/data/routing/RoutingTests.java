package dev.classbase.data.routing;

import dev.classbase.data.Probe;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The routing contract with the pools connecting straight to the servers. */
class RoutingTests extends RoutingContract {
    private static TestApp app;

    @BeforeAll
    static void start() throws Exception {
        TestCluster cluster = TestCluster.shared();
        Probe.createTable(cluster.primaryDataSource());
        app = TestApp.start(cluster.springProperties(), Map.of(), Probe.class);
        Probe.awaitReplicasInRotation(app, 2);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Override
    TestApp app() {
        return app;
    }
}
