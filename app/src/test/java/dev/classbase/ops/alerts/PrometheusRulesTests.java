package dev.classbase.ops.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.TestApp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shipped Prometheus rules: promtool accepts them, their unit tests pass (each rule fires over
 * its threshold and not at it), and every metric they read is one the server really exposes.
 */
class PrometheusRulesTests {
    /** Installed by the launcher from the OS's prometheus package. */
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    private record Run(int exit, String output) {}

    private static Run promtool(String... args) throws IOException, InterruptedException {
        assertThat(PROMTOOL)
                .as("promtool (the launcher installs the OS's prometheus package)")
                .isExecutable();
        List<String> command = new java.util.ArrayList<>(List.of(PROMTOOL.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .directory(Metrics.infrastructure("prometheus").toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool ended").isTrue();
        return new Run(p.exitValue(), output);
    }

    @Test
    void promtoolChecksTheRules() throws Exception {
        Run run = promtool("check", "rules", "classbase-rules.yml");
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("SUCCESS: 14 rules found");
    }

    @Test
    void theRulesUnitTestsPass() throws Exception {
        Run run = promtool("test", "rules", "classbase-rules.test.yml");
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("SUCCESS");
    }

    @Test
    void everyMetricTheRulesReadIsExposedByTheServer() throws Exception {
        String rules = Files.readString(Metrics.infrastructure("prometheus", "classbase-rules.yml"));
        Set<String> referred = Metrics.referredTo(rules);
        assertThat(referred)
                .contains(
                        "classbase_db_longest_query_seconds",
                        "classbase_db_connections_used_ratio",
                        "classbase_db_cache_hit_ratio",
                        "classbase_db_disk_used_ratio",
                        "classbase_db_new_deadlocks",
                        "classbase_db_lock_waiters",
                        "classbase_replica_lag_seconds",
                        "classbase_replica_in_rotation",
                        "hikaricp_connections_pending",
                        "hikaricp_connections_timeout_total",
                        "http_server_requests_seconds_count");
        // recording rules' own names (classbase:...) are not metrics of the app
        assertThat(Metrics.exposed(TestApp.shared())).containsAll(referred);
    }
}
