package dev.classbase.ops.space;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cluster.Endpoint;
import dev.classbase.testsupport.Cli;
import dev.classbase.testsupport.TestCluster;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ./classbase space} as a user runs it. */
class SpaceCommandTests {

    @Test
    void printsSizesAndDeadTuples() throws Exception {
        javax.sql.DataSource db = TestCluster.shared().freshDatabase("space_cli");
        SpaceTests.plant(db);
        Space space = new Space(db, Duration.ofSeconds(10));
        dev.classbase.testsupport.Await.until(Duration.ofSeconds(30), () -> {
            try {
                return space.maintenance().stream().anyMatch(t -> t.deadTuples() == 2000) ? true : null;
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        Endpoint primary = TestCluster.shared().cluster().primary();
        Map<String, String> env = Map.of(
                "CLASSBASE_DATABASE_URL",
                "postgresql://" + primary.user() + ":" + primary.password() + "@127.0.0.1:" + primary.port()
                        + "/space_cli");

        Cli.Result r = Cli.run(env, Duration.ofSeconds(120), "space", "--top", "100");
        assertThat(r.exitCode()).as(r.output()).isZero();
        String tables = r.stdout().substring(0, r.stdout().indexOf("\nindex "));
        assertThat(tables)
                .containsPattern("public\\.space_plant\\s+\\d+\\.\\d MB")
                .containsPattern("public\\.analytics_events\\s+.*\\s\\d+\\R")
                .as("partitions rolled up to their parent")
                .doesNotContain("public.analytics_events_default ");
        assertThat(r.stdout())
                .contains("public.mv_daily_active_users")
                .containsPattern("public\\.space_plant\\s+3,000\\s+2,000\\s+40\\.0% never");

        Cli.Result bad = Cli.run(env, Duration.ofSeconds(60), "space", "--top", "0");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.stderr()).contains("--top must be at least 1");
    }
}
