package dev.classbase.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.seed.DemoAccounts;
import dev.classbase.testsupport.Cli;
import dev.classbase.testsupport.LocalPorts;
import dev.classbase.testsupport.TestApp;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code ./classbase health}: the server's summary as an operator, and an exit code that fails on red. */
class HealthCommandTests {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void printsEverySectionAndExitsNonZeroOnlyOnRed() {
        TestApp app = TestApp.shared();
        app.signInOperator(); // adds the demo operator to the shared cluster
        Cli.Result json = asOperator(app, "--json");
        JsonNode summary = JSON.readTree(json.stdout());
        assertThat(json.exitCode())
                .as(json.output())
                .isEqualTo("red".equals(summary.path("status").asString()) ? HealthCommand.RED : 0);

        Cli.Result text = asOperator(app);
        assertThat(text.stdout())
                .startsWith("database health: ")
                .contains("pools", "connections", "replication", "slow_queries", "largest_tables", "index_usage")
                .contains("replication_lag");
    }

    @Test
    void redAnywhereIsExitCodeOne() {
        assertThat(HealthCommand.exitCode(JSON.readTree("""
                {"status": "red", "sections": [{"name": "pools", "status": "red"}]}
                """))).isEqualTo(1);
        assertThat(HealthCommand.exitCode(JSON.readTree("""
                {"status": "amber", "sections": [{"name": "pools", "status": "amber"},
                                                 {"name": "replication", "status": "unavailable"}]}
                """))).isZero();
    }

    @Test
    void aServerThatDoesNotAnswerIsExitCodeThree() {
        Cli.Result r = withStdin(
                DemoAccounts.PASSWORD,
                () -> Cli.inProcess(
                        "health",
                        "--url",
                        "http://127.0.0.1:" + LocalPorts.free(),
                        "--email",
                        DemoAccounts.OPERATOR,
                        "--password-stdin"));
        assertThat(r.exitCode()).as(r.output()).isEqualTo(HealthCommand.UNREACHABLE);
        assertThat(r.stderr()).contains("no answer from http://127.0.0.1:");
    }

    @Test
    void aWrongPasswordIsExitCodeThree() {
        TestApp app = TestApp.shared();
        Cli.Result r = withStdin(
                "not-the-password",
                () -> Cli.inProcess(
                        "health", "--url", app.url(""), "--email", DemoAccounts.OPERATOR, "--password-stdin"));
        assertThat(r.exitCode()).as(r.output()).isEqualTo(HealthCommand.UNREACHABLE);
        assertThat(r.stderr()).contains("answered 401");
    }

    private static Cli.Result asOperator(TestApp app, String... more) {
        String[] args = new String[5 + more.length];
        args[0] = "health";
        args[1] = "--url";
        args[2] = app.url("");
        args[3] = "--email";
        args[4] = DemoAccounts.OPERATOR;
        System.arraycopy(more, 0, args, 5, more.length);
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = "--password-stdin";
        return withStdin(DemoAccounts.PASSWORD, () -> Cli.inProcess(all));
    }

    private static Cli.Result withStdin(String line, java.util.function.Supplier<Cli.Result> run) {
        InputStream in = System.in;
        System.setIn(new ByteArrayInputStream((line + "\n").getBytes(StandardCharsets.UTF_8)));
        try {
            return run.get();
        } finally {
            System.setIn(in);
        }
    }
}
