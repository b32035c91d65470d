package dev.classbase.ops.rollups;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.cluster.Endpoint;
import dev.classbase.testsupport.Cli;
import dev.classbase.testsupport.TestCluster;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** {@code ./classbase rollups status|run} as a user runs them, against a database of their own. */
class RollupCommandTests {

    private static String url(Endpoint e, String database) {
        return "postgresql://" + e.user() + ":" + e.password() + "@127.0.0.1:" + e.port() + "/" + database;
    }

    @Test
    void statusAndRunOnThePrimaryAndANoOpOnAReplica() {
        JdbcClient db = JdbcClient.create(TestCluster.shared().freshDatabase("rollups_cli"));
        EmbeddedCluster cluster = TestCluster.shared().cluster();
        Map<String, String> primary = Map.of("CLASSBASE_DATABASE_URL", url(cluster.primary(), "rollups_cli"));

        Cli.Result before = Cli.run(primary, Duration.ofSeconds(120), "rollups", "status");
        assertThat(before.exitCode()).as(before.output()).isZero();
        assertThat(before.stdout()).contains("initialized      no").contains("as of never");

        Cli.Result first = Cli.run(primary, Duration.ofSeconds(120), "rollups", "run");
        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(first.stdout()).contains("rollups: rebuilt");

        long tenant = db.sql("insert into tenants (name, slug) values ('Cli', 'cli') returning id")
                .query(Long.class)
                .single();
        db.sql(
                        "insert into activity_logs (tenant_id, action, created_at) values (?, 'open', now()), (?, 'open', now())")
                .params(tenant, tenant)
                .update();
        assertThat(Cli.run(primary, Duration.ofSeconds(120), "rollups", "status")
                        .stdout())
                .containsPattern("pending\\s+1 inbox rows for days");
        Cli.Result second = Cli.run(primary, Duration.ofSeconds(120), "rollups", "run");
        assertThat(second.stdout()).contains("rollups: ran: 1 inbox rows into 1 (tenant, day) pairs");
        assertThat(db.sql("select actions from rollup_daily_activity")
                        .query(Long.class)
                        .single())
                .isEqualTo(2);

        Cli.Result onReplica = Cli.run(
                Map.of("CLASSBASE_DATABASE_URL", url(cluster.replicas().getFirst(), "rollups_cli")),
                Duration.ofSeconds(120),
                "rollups",
                "run");
        assertThat(onReplica.exitCode()).as(onReplica.output()).isZero();
        assertThat(onReplica.stdout()).contains("skipped_replica").contains("rollups run on the primary");
    }
}
