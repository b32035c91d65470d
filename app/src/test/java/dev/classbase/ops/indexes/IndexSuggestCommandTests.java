package dev.classbase.ops.indexes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cluster.Endpoint;
import dev.classbase.testsupport.Cli;
import dev.classbase.testsupport.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ./classbase indexes suggest [--migration]} as a user runs it, on the embedded PostgreSQL (no HypoPG). */
class IndexSuggestCommandTests {

    @Test
    void printsSuggestionsAndWritesTheNextFlywayScript() throws Exception {
        AdvisorHeuristicTests.plant("advisor_cli");
        Endpoint primary = TestCluster.shared().cluster().primary();
        Map<String, String> env = Map.of(
                "CLASSBASE_DATABASE_URL",
                "postgresql://" + primary.user() + ":" + primary.password() + "@127.0.0.1:" + primary.port()
                        + "/advisor_cli");
        Path dir = Files.createTempDirectory("suggest-migrations");
        Files.writeString(dir.resolve("V7__counters.sql"), "select 1;");
        Files.writeString(dir.resolve("V12__search.sql"), "select 1;");

        Cli.Result plain =
                Cli.run(env, Duration.ofSeconds(120), "indexes", "suggest", "--migration-dir", dir.toString());
        assertThat(plain.exitCode()).as(plain.output()).isZero();
        assertThat(plain.stdout())
                .contains("NOT validated, heuristic: HypoPG not available")
                .contains("public.big (v)  cost ")
                .contains("create index concurrently if not exists big_v_idx on public.big (v);");

        Cli.Result nothing = Cli.run(
                env, Duration.ofSeconds(120), "indexes", "suggest", "--migration", "--migration-dir", dir.toString());
        assertThat(nothing.exitCode()).as(nothing.output()).isZero();
        assertThat(nothing.stdout()).contains("no script written: nothing validated to create");
        assertThat(dir.resolve("V13__index_suggestions.sql")).doesNotExist();

        Cli.Result written = Cli.run(
                env,
                Duration.ofSeconds(120),
                "indexes",
                "suggest",
                "--migration",
                "--include-unvalidated",
                "--migration-dir",
                dir.toString());
        assertThat(written.exitCode()).as(written.output()).isZero();
        Path script = dir.resolve("V13__index_suggestions.sql");
        assertThat(written.stdout()).contains("wrote " + script);
        assertThat(Files.readString(script))
                .startsWith("-- Index suggestions by classbase's index advisor")
                .contains("\ncreate index concurrently if not exists big_v_idx on public.big (v);\n");

        Cli.Result badCut = Cli.run(env, Duration.ofSeconds(60), "indexes", "suggest", "--min-cut", "120");
        assertThat(badCut.exitCode()).isEqualTo(2);
        assertThat(badCut.stderr()).contains("--min-cut must be a percentage between 0 and 100");
    }
}
