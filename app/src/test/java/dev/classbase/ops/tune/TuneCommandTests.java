package dev.classbase.ops.tune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cluster.Endpoint;
import dev.classbase.testsupport.Cli;
import dev.classbase.testsupport.TestCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./classbase tune}: the snippet, its exit codes, the shipped file, and --current on a real cluster. */
class TuneCommandTests {

    static Cli.Result run(String... args) {
        return Cli.inProcess(args);
    }

    @Test
    void printsASnippetWithACommentOnEveryLine() {
        Cli.Result run = run("tune", "--ram", "64GB", "--cores", "16", "--storage", "hdd", "--max-connections", "300");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout())
                .containsPattern("(?m)^shared_buffers = 16GB +# 25 % of RAM")
                .containsPattern("(?m)^random_page_cost = 4.0 +# HDD")
                .containsPattern("(?m)^max_parallel_workers = 16 +#")
                .contains("# regenerate: ./classbase tune --ram 64GB --cores 16 --storage hdd --max-connections 300");
        run.stdout()
                .lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                .forEach(l -> assertThat(l).matches("[a-z_.]+ = \\S+ +# .+ \\[.+\\]"));
        assertThat(run.stdout())
                .containsPattern("(?m)^shared_preload_libraries = 'pg_stat_statements,auto_explain' +# ")
                .containsPattern("(?m)^log_min_duration_statement = 1s +# ");
    }

    @Test
    void defaultsComeFromThisMachine() {
        Cli.Result run = run("tune");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout())
                .contains("# machine: " + Units.formatBytes(ThisMachine.ramBytes()) + " RAM, " + ThisMachine.cores())
                .contains("max_connections 100, web workload");
    }

    @Test
    void badInputExitsTwoListingTheValidValues() {
        Cli.Result storage = run("tune", "--storage", "nvme");
        assertThat(storage.exitCode()).isEqualTo(2);
        assertThat(storage.stderr()).contains("--storage", "ssd, hdd", "nvme");

        Cli.Result unit = run("tune", "--ram", "8XB");
        assertThat(unit.exitCode()).isEqualTo(2);
        assertThat(unit.stderr()).contains("--ram", "kB, MB, GB, TB");

        Cli.Result negative = run("tune", "--ram", "-8GB");
        assertThat(negative.exitCode()).isEqualTo(2);
        assertThat(negative.stderr()).contains("--ram", "positive");

        Cli.Result noUnit = run("tune", "--ram", "8");
        assertThat(noUnit.exitCode()).isEqualTo(2);
        assertThat(noUnit.stderr()).contains("needs a unit", "kB, MB, GB, TB");

        Cli.Result workload = run("tune", "--workload", "olap");
        assertThat(workload.exitCode()).isEqualTo(2);
        assertThat(workload.stderr()).contains("web, mixed");

        Cli.Result cores = run("tune", "--cores", "-2");
        assertThat(cores.exitCode()).isEqualTo(2);
        assertThat(cores.stderr()).contains("--cores", "at least 1");

        Cli.Result notANumber = run("tune", "--max-connections", "many");
        assertThat(notANumber.exitCode()).isEqualTo(2);
        assertThat(notANumber.stderr()).contains("--max-connections", "many");
    }

    @Test
    void theShippedFileIsTheReferenceMachinesOutput() throws IOException {
        Path shipped = repositoryRoot().resolve(TuningConf.SHIPPED_FILE);
        assertThat(Files.readString(shipped))
                .as("regenerate it: ./classbase tune " + TuningInputs.REFERENCE.asOptions() + " > "
                        + TuningConf.SHIPPED_FILE)
                .isEqualTo(TuningConf.render(TuningInputs.REFERENCE));
        Cli.Result run = run("tune", "--ram", "8GB", "--cores", "4", "--storage", "ssd", "--max-connections", "200");
        assertThat(run.stdout()).isEqualTo(Files.readString(shipped));
    }

    @Test
    void currentWithNoRunningEmbeddedClusterExitsThree(@TempDir Path empty) {
        Cli.Result run = run("tune", "--current", "--data-dir", empty.toString());
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.stderr()).contains("not running");
    }

    @Test
    void currentShowsTheServersValuesBesideTheRecommendations() {
        Endpoint primary = TestCluster.shared().cluster().primary();
        String url = "postgresql://" + primary.user() + ":" + primary.password() + "@127.0.0.1:" + primary.port() + "/"
                + primary.database();
        Cli.Result result = Cli.run(
                Map.of("CLASSBASE_DATABASE_URL", url),
                Duration.ofSeconds(120),
                "tune",
                "--current",
                "--ram",
                "8GB",
                "--cores",
                "4");
        assertThat(result.exitCode()).as(result.output()).isZero();
        String out = result.stdout();
        assertThat(out).contains("# current settings on 127.0.0.1:" + primary.port());
        // max_connections not given: the server's own, so that row agrees
        assertThat(out).containsPattern("(?m)^#   max_connections +(\\d+) +\\1 +ok$");
        // sizes in pg_settings' units (8kB pages, kB, MB) come back as postgresql.conf sizes
        assertThat(out).containsPattern("(?m)^#   shared_buffers +\\d+(kB|MB|GB) +2GB +(ok|differs \\(restart\\))$");
        assertThat(out).containsPattern("(?m)^#   work_mem +\\d+(kB|MB|GB) +\\d+MB +(ok|differs)$");
        assertThat(out).containsPattern("(?m)^#   autovacuum_naptime +\\d+(s|min) +30s +(ok|differs)$");
        // PostgreSQL 17's default is the recommendation
        assertThat(out).containsPattern("(?m)^#   checkpoint_completion_target +0.9 +0.9 +ok$");
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("infrastructure"))) {
            dir = dir.getParent();
        }
        assertThat(dir)
                .as("repository root above " + Path.of("").toAbsolutePath())
                .isNotNull();
        return dir;
    }
}
