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
    void theStartUpCachesTrainingRunNeedsNoDatabaseAndIsNotListed() {
        // the launcher runs it after a build, where no cluster may exist and port 8080 may be taken
        Cli.Result result = Cli.run(
                Map.of("CLASSBASE_DATA_DIR", "target/test-clusters/never"),
                Duration.ofMinutes(3),
                "aot-training",
                "serve");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.stdout()).isEmpty();
        assertThat(java.nio.file.Files.exists(java.nio.file.Path.of("target/test-clusters/never")))
                .isFalse();
        assertThat(Cli.run(Map.of(), QUICK, "--help").stdout()).doesNotContain("aot-training");
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
    void anUnreachableExternalDatabaseIsNamedWithTheCauseAndThePasswordIsMasked() throws Exception {
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
        // a closed port refuses at once: the command says so rather than waiting out a timeout
        assertThat(result.stderr()).contains("cannot connect to PostgreSQL").containsIgnoringCase("refused");
    }

    /**
     * A server that accepts the connection and never answers the startup message: without a bound
     * the command would hang forever (socketTimeout is 0), so it must give up by the driver's login
     * timeout, and say so. The child JVM's own limit ({@code QUICK}) only catches a hang.
     */
    @Test
    void aDatabaseThatNeverAnswersIsGivenUpByTheLoginTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            java.util.List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // held open, never read nor answered
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            int port = silent.getLocalPort();
            Cli.Result result = Cli.run(
                    Map.of("CLASSBASE_DATABASE_URL", "postgresql://app:TopSecret42@127.0.0.1:" + port + "/classbase"),
                    QUICK,
                    "status");
            assertThat(held).as("the command reached the silent server").isNotEmpty();
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.stderr()).contains("127.0.0.1:" + port).containsIgnoringCase("timed out");
            assertThat(result.output()).doesNotContain("TopSecret42");
            silent.close();
            acceptor.join();
            for (java.net.Socket s : held) {
                s.close();
            }
        }
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
