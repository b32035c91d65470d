package dev.classbase.ops.partitions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.cluster.Endpoint;
import dev.classbase.testsupport.Cli;
import dev.classbase.testsupport.TestCluster;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ./classbase partitions status|maintain} as a user runs them, against a database of their own. */
class PartitionsCommandTests {

    private static String url(Endpoint e, String database) {
        return "postgresql://" + e.user() + ":" + e.password() + "@127.0.0.1:" + e.port() + "/" + database;
    }

    @Test
    void statusAndMaintainOnThePrimaryAndANoOpOnAReplica() {
        TestCluster.shared().freshDatabase("partitions_cli");
        EmbeddedCluster cluster = TestCluster.shared().cluster();
        Map<String, String> primary = Map.of("CLASSBASE_DATABASE_URL", url(cluster.primary(), "partitions_cli"));

        Cli.Result status = Cli.run(primary, Duration.ofSeconds(120), "partitions", "status");
        assertThat(status.exitCode()).as(status.output()).isZero();
        assertThat(status.stdout())
                .containsPattern(
                        "analytics_events \\(range\\): \\d+ partitions, .*default partition analytics_events_default: 0 rows")
                .contains("progress (hash): 16 partitions")
                .contains("user_sessions (hash): 8 partitions")
                .containsPattern("analytics_events_p\\d{6}\\s+\\[\\d{4}-\\d{2}-01, \\d{4}-\\d{2}-01\\)");

        Cli.Result first = Cli.run(primary, Duration.ofSeconds(120), "partitions", "maintain");
        assertThat(first.exitCode()).as(first.output()).isZero();
        Cli.Result second = Cli.run(primary, Duration.ofSeconds(120), "partitions", "maintain");
        assertThat(second.exitCode()).as(second.output()).isZero();
        assertThat(second.stdout()).contains("partitions up to date: nothing to do");

        Endpoint replica = cluster.replicas().getFirst();
        Cli.Result onReplica = Cli.run(
                Map.of("CLASSBASE_DATABASE_URL", url(replica, "partitions_cli")),
                Duration.ofSeconds(120),
                "partitions",
                "maintain");
        assertThat(onReplica.exitCode()).as(onReplica.output()).isZero();
        assertThat(onReplica.stdout()).contains("replica").contains("nothing done");
    }
}
