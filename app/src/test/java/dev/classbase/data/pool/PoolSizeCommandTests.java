package dev.classbase.data.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cli.ClassbaseCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code classbase pool-size}, run in-process. */
class PoolSizeCommandTests {

    /** The exit code and what the command printed. */
    record Run(int exitCode, String stdout, String stderr) {}

    static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            int code = ClassbaseCommand.run(args);
            return new Run(code, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void printsEveryRuleAndTheChoice() {
        Run run = run(
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
        Run run = run(
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
        Run cores = run("pool-size", "--cores", "0");
        assertThat(cores.exitCode()).isEqualTo(2);
        assertThat(cores.stderr()).contains("--cores", "at least 1");

        Run margin = run("pool-size", "--margin", "1.5");
        assertThat(margin.exitCode()).isEqualTo(2);
        assertThat(margin.stderr()).contains("--margin");

        Run reserved = run("pool-size", "--max-connections", "10", "--reserved", "10");
        assertThat(reserved.exitCode()).isEqualTo(2);
        assertThat(reserved.stderr()).contains("--max-connections");

        Run notANumber = run("pool-size", "--rps", "lots");
        assertThat(notANumber.exitCode()).isEqualTo(2);
        assertThat(notANumber.stderr()).contains("--rps", "lots");
    }
}
