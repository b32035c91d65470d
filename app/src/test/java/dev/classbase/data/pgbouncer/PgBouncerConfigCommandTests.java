package dev.classbase.data.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.testsupport.Cli;
import dev.classbase.testsupport.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code classbase pgbouncer-config}, run in-process against the shared embedded cluster. */
class PgBouncerConfigCommandTests {

    static Cli.Result run(String... args) {
        return Cli.inProcess(args);
    }

    @Test
    void writesTheIniAndA0600UserlistWithTheScramSecretAndPrintsNoPassword(@TempDir Path out) throws Exception {
        EmbeddedCluster cluster = TestCluster.shared().cluster();
        Cli.Result run = run(
                "pgbouncer-config",
                "--data-dir",
                cluster.dir().toString(),
                "--out",
                out.toString(),
                "--listen-port",
                "6543",
                "--cores",
                "2");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        String ini = Files.readString(out.resolve("pgbouncer.ini"));
        assertThat(ini)
                .contains(
                        "classbase = host='127.0.0.1' port=" + cluster.primary().port() + " dbname='classbase'")
                .contains("listen_port = 6543")
                .contains("auth_file = " + out.resolve("userlist.txt").toAbsolutePath())
                .contains("stats_users = classbase")
                // the embedded server's max_connections is 200: (200 - 10) x 0.8
                .contains("max_db_connections = 152")
                .contains("default_pool_size = 5");
        Path userlist = out.resolve("userlist.txt");
        assertThat(Files.getPosixFilePermissions(userlist)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(userlist)).matches("\"classbase\" \"SCRAM-SHA-256\\$4096:[^\"]+\"\n");
        assertThat(run.stdout() + run.stderr())
                .contains("pgbouncer.ini", "prepareThreshold=0")
                .doesNotContain(cluster.primary().password())
                .doesNotContain(cluster.superuser(cluster.primary()).password());
    }

    @Test
    void withoutOutItPrintsTheIniAndNoSecrets() {
        EmbeddedCluster cluster = TestCluster.shared().cluster();
        Cli.Result run = run("pgbouncer-config", "--data-dir", cluster.dir().toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("pool_mode = transaction", "auth_type = scram-sha-256");
        assertThat(run.stdout()).doesNotContain("SCRAM-SHA-256$");
        assertThat(run.stderr()).contains("--out");
    }

    @Test
    void aBadListenPortIsAUsageError() {
        Cli.Result run = run("pgbouncer-config", "--listen-port", "0");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("--listen-port");
    }
}
