package dev.classbase.data;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.util.Map;
import java.util.function.LongUnaryOperator;
import javax.sql.DataSource;

/** The probe feature for code outside this package (benchmarks). */
public final class ProbeAccess {
    private ProbeAccess() {}

    public static void createTable(DataSource owner) throws java.sql.SQLException {
        Probe.createTable(owner);
    }

    public static TestApp start(EmbeddedCluster cluster) {
        return TestApp.start(TestCluster.springProperties(cluster), Map.of(), Probe.class);
    }

    public static void awaitReplicas(TestApp app, int count) throws InterruptedException {
        Probe.awaitReplicasInRotation(app, count);
    }

    public static LongUnaryOperator lookup(TestApp app) {
        Probe.Service probe = app.bean(Probe.Service.class);
        return probe::lookup;
    }
}
