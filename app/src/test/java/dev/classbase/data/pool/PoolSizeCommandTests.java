package dev.classbase.data.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.Cli;
import org.junit.jupiter.api.Test;

/** {@code classbase pool-size}, run in-process. */
class PoolSizeCommandTests {

    static Cli.Result run(String... args) {
        return Cli.inProcess(args);
    }

    @Test
    void printsEveryRuleAndTheChoice() {
        Cli.Result run = run(
                "pool-size",
                "--cores",
                "2",
                "--instances",
                "4",
                "--max-connections",
                "100",
                "--reserved",
                "10",
                "--margin",
                "0.8",
                "--rps",
                "200",
                "--mean-query-ms",
                "5",
                "--spindles",
                "1",
                "--workers",
                "2",
                "--threads",
                "4");
        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout())
                .containsPattern("(?m)^hikaricp +2 x 2 \\+ 1")
                .containsPattern("(?m)^load +L = ")
                .containsPattern("(?m)^budget +\\(100 - 10\\) x 0\\.8 / 4 +18 ")
                .containsPattern("(?m)^threads +2 x 4 x 2 \\+ 4 +20 ");
        // 200 tx/s x 5 ms / 4 = 0.25 in use: hikaricp's ceil(5 / 4) = 2 and load's 2 both cover it
        assertThat(run.stdout())
                .containsPattern("chosen: max=2 min=1 \\(rule: hikaricp, because the smallest demand-based size .*\\)");
        assertThat(run.stdout())
                .containsPattern("primary +max=\\d+ min=\\d+ statement_timeout=30s")
                .contains("(per replica)")
                .containsPattern("analytics +max=2 min=0");
    }

    @Test
    void theBudgetWinsWhenTheLoadNeedsMore() {
        Cli.Result run = run(
                "pool-size",
                "--cores",
                "16",
                "--instances",
                "10",
                "--max-connections",
                "100",
                "--rps",
                "5000",
                "--mean-query-ms",
                "20");
        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).contains("chosen: max=7 min=7 (rule: budget, because the connection budget");
    }

    @Test
    void nonsenseInputExitsTwoNamingTheOption() {
        Cli.Result cores = run("pool-size", "--cores", "0");
        assertThat(cores.exitCode()).isEqualTo(2);
        assertThat(cores.stderr()).contains("--cores", "at least 1");

        Cli.Result margin = run("pool-size", "--margin", "1.5");
        assertThat(margin.exitCode()).isEqualTo(2);
        assertThat(margin.stderr()).contains("--margin");

        Cli.Result reserved = run("pool-size", "--max-connections", "10", "--reserved", "10");
        assertThat(reserved.exitCode()).isEqualTo(2);
        assertThat(reserved.stderr()).contains("--max-connections");

        Cli.Result notANumber = run("pool-size", "--rps", "lots");
        assertThat(notANumber.exitCode()).isEqualTo(2);
        assertThat(notANumber.stderr()).contains("--rps", "lots");
    }
}
