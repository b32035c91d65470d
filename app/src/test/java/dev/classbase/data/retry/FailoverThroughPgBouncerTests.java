package dev.classbase.data.retry;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.testsupport.PgBouncerProcess;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Connection loss with the primary behind a real PgBouncer 1.18 in transaction mode: PostgreSQL
 * kills the server connections PgBouncer holds, the application's connections to PgBouncer stay
 * up, and PgBouncer reports the loss inside the transaction. Retryable work still completes once.
 */
class FailoverThroughPgBouncerTests {
    @Test
    void terminatingEveryServerConnectionMidLoadLosesAndDuplicatesNothing() throws Exception {
        try (EmbeddedCluster cluster = TestCluster.startPrivate("terminate-bouncer", 1);
                PgBouncerProcess bouncer = startBouncer(cluster);
                TestApp app = FailoverTests.startApp(
                        cluster,
                        Map.of("classbase.database.primary.url", bouncer.url(), "classbase.pools.pgbouncer", "true"))) {
            FailoverTests.writeWhileKilling(cluster, app, "usename = '" + EmbeddedCluster.SERVICE_ROLE + "'");
        }
    }

    /** The cluster migrated, and PgBouncer in front of its primary for the service role. */
    static PgBouncerProcess startBouncer(EmbeddedCluster cluster) throws Exception {
        dev.classbase.data.Migrations.apply(TestCluster.dataSource(cluster.primary()));
        return PgBouncerProcess.start(cluster, List.of(EmbeddedCluster.SERVICE_ROLE));
    }
}
