package dev.classbase.ops.views;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.cluster.Endpoint;
import dev.classbase.testsupport.Cli;
import dev.classbase.testsupport.TestCluster;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ./classbase views status|refresh [name]} as a user runs them, against a database of their own. */
class ViewRefreshCommandTests {

    private static String url(Endpoint e, String database) {
        return "postgresql://" + e.user() + ":" + e.password() + "@127.0.0.1:" + e.port() + "/" + database;
    }

    @Test
    void statusAndRefreshOnThePrimaryAndANoOpOnAReplica() {
        TestCluster.shared().freshDatabase("views_cli");
        EmbeddedCluster cluster = TestCluster.shared().cluster();
        Map<String, String> primary = Map.of("CLASSBASE_DATABASE_URL", url(cluster.primary(), "views_cli"));

        Cli.Result before = Cli.run(primary, Duration.ofSeconds(120), "views", "status");
        assertThat(before.exitCode()).as(before.output()).isZero();
        assertThat(before.stdout())
                .containsPattern("mv_daily_active_users\\s+no\\s+~0\\s+\\d+ kB\\s+never\\s+-\\s+1h00m")
                .containsPattern("mv_user_learning_summary\\s+no .* 30m00s");

        Cli.Result all = Cli.run(primary, Duration.ofSeconds(120), "views", "refresh");
        assertThat(all.exitCode()).as(all.output()).isZero();
        assertThat(all.stdout().lines().toList())
                .hasSize(6)
                .allMatch(line -> line.contains(": refreshed: populated (first refresh)"));
        assertThat(all.stdout().indexOf("mv_daily_active_users"))
                .isLessThan(all.stdout().indexOf("mv_daily_platform_metrics"));
        assertThat(all.stdout().indexOf("mv_course_analytics"))
                .isLessThan(all.stdout().indexOf("mv_instructor_performance"));

        Cli.Result one = Cli.run(primary, Duration.ofSeconds(120), "views", "refresh", "course_analytics");
        assertThat(one.exitCode()).as(one.output()).isZero();
        assertThat(one.stdout())
                .startsWith("mv_course_analytics: refreshed: refreshed concurrently")
                .hasLineCount(1);

        Cli.Result after = Cli.run(primary, Duration.ofSeconds(120), "views", "status");
        assertThat(after.stdout())
                .containsPattern(
                        "mv_daily_active_users\\s+yes\\s+~0\\s+\\d+ kB\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ\\s+\\d+s");

        Cli.Result unknown = Cli.run(primary, Duration.ofSeconds(120), "views", "refresh", "nope");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("no materialized view 'nope'").contains("mv_daily_active_users");

        Endpoint replica = cluster.replicas().getFirst();
        Cli.Result onReplica = Cli.run(
                Map.of("CLASSBASE_DATABASE_URL", url(replica, "views_cli")),
                Duration.ofSeconds(120),
                "views",
                "refresh");
        assertThat(onReplica.exitCode()).as(onReplica.output()).isZero();
        assertThat(onReplica.stdout()).contains("skipped_replica").contains("refreshed on the primary");
    }
}
