package dev.classbase.platform.atrisk;

import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestCluster;
import java.time.Duration;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * For fixtures written as the owner, past the application: no consistency token makes the router
 * wait for those rows, and read services run on a replica, so a test would see part of its fixture.
 * (The shared Classroom fixture waits the same way, on rows rather than LSNs.)
 */
public final class Replicas {
    private Replicas() {}

    /** Waits until {@code check} (a boolean query) holds on every replica of the shared cluster. */
    public static void await(String check, Map<String, ?> params) {
        TestCluster cluster = TestCluster.shared();
        for (int i = 0; i < cluster.cluster().replicas().size(); i++) {
            JdbcClient replica = JdbcClient.create(cluster.replicaDataSource(i));
            Boolean done;
            try {
                done = Await.until(
                        Duration.ofSeconds(30),
                        () -> replica.sql(check).params(params).query(Boolean.class).single() ? Boolean.TRUE : null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            if (done == null) {
                throw new AssertionError("replica " + i + " did not show " + params + " within 30 s: " + check);
            }
        }
    }
}
