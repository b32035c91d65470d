package dev.classbase.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.testsupport.Cli;
import dev.classbase.testsupport.TestCluster;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line's contract for bad input: clear messages, exit code 2 for usage, 1 for failures. */
class ClassbaseCommandTests {
    private static final Duration QUICK = Duration.ofSeconds(60);

    @Test
    void helpListsTheSubcommands() {
        Cli.Result result = Cli.run(Map.of(), QUICK, "--help");
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).contains("serve", "seed", "status", "migrate");
    }

    @Test
    void anUnknownFlagIsAUsageError() {
        Cli.Result result = Cli.run(Map.of(), QUICK, "serve", "--colour", "blue");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("Unknown option", "--colour");
    }

    @Test
    void anUnknownScaleListsTheValidOnes() {
        Cli.Result result = Cli.run(Map.of(), QUICK, "seed", "--scale", "XL");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("XL").contains("demo", "S", "M", "L");
    }

    @Test
    void aReplicaCountOutOfRangeIsAUsageError() {
        Cli.Result result = Cli.run(
                Map.of("CLASSBASE_DATA_DIR", "target/test-clusters/never"),
                QUICK,
                "serve",
                "--replicas",
                "7",
                "--port",
                "1");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("0 to 3");
    }

    @Test
    void aPortInUseIsNamedWithHowToChooseAnother() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();
            Cli.Result result = Cli.run(
                    Map.of("CLASSBASE_DATA_DIR", "target/test-clusters/never"),
                    QUICK,
                    "serve",
                    "--port",
                    Integer.toString(port));
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.stderr()).contains("port " + port + " is already in use", "--port", "CLASSBASE_PORT");
        }
    }

    @Test
    void anUnreachableExternalDatabaseIsNamedWithinTenSecondsAndThePasswordIsMasked() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Cli.Result result = Cli.run(
                Map.of("CLASSBASE_DATABASE_URL", "postgresql://app:TopSecret42@127.0.0.1:" + closedPort + "/classbase"),
                QUICK,
                "status");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr()).contains("127.0.0.1:" + closedPort);
        assertThat(result.output()).doesNotContain("TopSecret42");
        assertThat(result.took()).isLessThan(Duration.ofSeconds(10 + 5)); // +5 s for the child JVM's start
    }

    @Test
    void seedingANonEmptyDatabaseWithoutResetIsRefusedAndWritesNothing() throws Exception {
        TestCluster cluster = TestCluster.shared();
        EmbeddedCluster c = cluster.cluster();
        var ds = cluster.freshDatabase("seed_refused");
        try (var conn = ds.getConnection();
                var s = conn.createStatement()) {
            s.execute("INSERT INTO tenants (name, slug) VALUES ('Existing School', 'existing')");
        }
        String url = "postgresql://" + c.primary().user() + ":" + c.primary().password() + "@127.0.0.1:"
                + c.primary().port() + "/seed_refused";
        Cli.Result result = Cli.run(Map.of("CLASSBASE_DATABASE_URL", url), Duration.ofSeconds(120), "seed");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr()).contains("already holds data", "--reset");
        assertThat(result.output()).doesNotContain(c.primary().password());
        try (var conn = ds.getConnection();
                var s = conn.createStatement();
                var rs = s.executeQuery("SELECT (SELECT count(*) FROM tenants), (SELECT count(*) FROM users)")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1);
            assertThat(rs.getLong(2)).isZero();
        }
    }
}
