package dev.classbase.ops.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cluster.Endpoint;
import dev.classbase.testsupport.Cli;
import dev.classbase.testsupport.TestCluster;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** {@code ./classbase maintain} as a user runs it. */
class MaintainCommandTests {

    @Test
    void anUnknownTaskExitsTwoListingTheValidOnes() {
        Cli.Result r = Cli.run(Map.of(), Duration.ofSeconds(60), "maintain", "defrag");
        assertThat(r.exitCode()).as(r.output()).isEqualTo(2);
        assertThat(r.stderr())
                .contains("unknown maintenance task 'defrag'; valid: vacuum, analyze, reindex, backup, all");
    }

    @Test
    void dryRunSaysWhatAndWhyThenARunDoesItWithDurations() throws Exception {
        DataSource db = TestCluster.shared().freshDatabase("maintain_cli");
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            s.execute("""
                    create table cli_bloat (id bigint primary key) with (autovacuum_enabled = false);
                    insert into cli_bloat select generate_series(1, 4000);
                    delete from cli_bloat where id <= 3000;
                    select pg_stat_force_next_flush();
                    """);
        }
        Endpoint primary = TestCluster.shared().cluster().primary();
        Map<String, String> env = Map.of(
                "CLASSBASE_DATABASE_URL",
                "postgresql://" + primary.user() + ":" + primary.password() + "@127.0.0.1:" + primary.port()
                        + "/maintain_cli");

        Cli.Result dry = Cli.run(env, Duration.ofSeconds(120), "maintain", "vacuum", "--dry-run");
        assertThat(dry.exitCode()).as(dry.output()).isZero();
        assertThat(dry.stdout())
                .containsPattern("vacuum +public\\.cli_bloat \\(table\\): 3,000 dead tuples > 50 \\+ 0\\.2 × 1,000 live"
                        + " \\(autovacuum formula\\); last vacuum never \\.\\.\\. would run in 0\\.00 s")
                .contains("vacuum: dry run: ");

        Cli.Result run = Cli.run(env, Duration.ofSeconds(120), "maintain", "vacuum");
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.stdout())
                .containsPattern(
                        "vacuum +public\\.cli_bloat \\(table\\): 3,000 dead tuples .* \\.\\.\\. done in \\d+\\.\\d\\d s")
                .containsPattern("vacuum: succeeded: \\d+ done, 0 failed");
    }
}
