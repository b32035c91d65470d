package dev.classbase.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class EmbeddedClusterTests {

    @Test
    void aRowWrittenOnThePrimaryIsReadOnTheReplica() throws Exception {
        TestCluster cluster = TestCluster.shared();
        try (Connection primary = cluster.primaryDataSource().getConnection();
                Statement s = primary.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS cluster_probe (id int PRIMARY KEY, note text)");
            s.execute("INSERT INTO cluster_probe VALUES (1, 'written on the primary') ON CONFLICT DO NOTHING");
        }
        String seen = Await.until(Duration.ofSeconds(15), () -> {
            try (Connection replica = cluster.replicaDataSource(0).getConnection();
                    Statement s = replica.createStatement();
                    ResultSet rs = s.executeQuery("SELECT note, pg_is_in_recovery() FROM cluster_probe WHERE id = 1")) {
                return rs.next() && rs.getBoolean(2) ? rs.getString(1) : null;
            } catch (SQLException e) {
                return null; // the table itself may not have replayed yet
            }
        });
        assertThat(seen).isEqualTo("written on the primary");
    }

    @Test
    void theReplicaRejectsWrites() throws Exception {
        TestCluster cluster = TestCluster.shared();
        try (Connection replica = cluster.replicaDataSource(0).getConnection();
                Statement s = replica.createStatement()) {
            assertThatThrownBy(() -> s.execute("CREATE TABLE not_here (id int)"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25006"));
        }
    }

    @Test
    void theClusterRunsWithTheSettingsThatDurabilityAndReplicationNeed() throws Exception {
        try (EmbeddedCluster cluster = TestCluster.startPrivate("settings", 1)) {
            DataSource primary = TestCluster.dataSource(cluster.superuser(cluster.primary()));
            try (Connection c = primary.getConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("""
                            SELECT current_setting('fsync'), current_setting('synchronous_commit'),
                                   current_setting('wal_level'), current_setting('hot_standby_feedback'),
                                   current_setting('shared_preload_libraries'), current_setting('server_version_num')::int,
                                   (SELECT count(*) FROM pg_replication_slots WHERE slot_type = 'physical' AND active),
                                   (SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'classbase')
                            """)) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("on");
                assertThat(rs.getString(2)).isEqualTo("on");
                assertThat(rs.getString(3)).isEqualTo("replica");
                assertThat(rs.getString(4)).isEqualTo("on");
                assertThat(rs.getString(5)).contains("pg_stat_statements");
                assertThat(rs.getInt(6)).isGreaterThanOrEqualTo(170000);
                assertThat(rs.getInt(7)).isEqualTo(1);
                assertThat(rs.getBoolean(8)).isTrue();
            }
            try (Connection c = TestCluster.dataSource(cluster.primary()).getConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_statements")) {
                assertThat(rs.next()).isTrue();
            }
        }
    }

    @Test
    void dataSurvivesARestart() throws Exception {
        try (EmbeddedCluster first = TestCluster.startPrivate("restart", 1)) {
            assertThat(first.created()).isTrue();
            try (Connection c = TestCluster.dataSource(first.primary()).getConnection();
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (id int PRIMARY KEY)");
                s.execute("INSERT INTO kept SELECT generate_series(1, 1000)");
            }
        }
        try (EmbeddedCluster second = EmbeddedCluster.start(ClusterConfig.of(TestCluster.privateDir("restart"), 1))) {
            assertThat(second.created()).isFalse();
            assertThat(count(TestCluster.dataSource(second.primary()), "SELECT count(*) FROM kept"))
                    .isEqualTo(1000);
            assertThat(count(TestCluster.dataSource(second.replicas().get(0)), "SELECT count(*) FROM kept"))
                    .isEqualTo(1000);
        }
    }

    /** db start, db stop: servers on their own outlive the process that started them; others attach. */
    @Test
    void aDetachedClusterOutlivesItsStarterAndStopsOnlyOnStopDetached() throws Exception {
        Path dir = TestCluster.privateDir("detached");
        ClusterConfig config = ClusterConfig.of(dir, 1);
        java.util.Map<String, Long> pids;
        try (EmbeddedCluster started = EmbeddedCluster.startDetached(config)) {
            assertThat(started.owned()).isFalse();
            assertThat(started.detached()).isTrue();
            pids = started.runningPids();
            assertThat(pids).containsOnlyKeys("primary", "replica1");
        }
        try {
            // still running after close; a plain start attaches and does not own them
            assertThat(pids.values())
                    .allMatch(pid ->
                            ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            try (EmbeddedCluster attached = EmbeddedCluster.start(config)) {
                assertThat(attached.owned()).isFalse();
                assertThat(attached.runningPids()).isEqualTo(pids);
                assertThat(count(TestCluster.dataSource(attached.primary()), "SELECT 1"))
                        .isEqualTo(1);
            }
            assertThat(EmbeddedCluster.attachIfRunning(config)).isPresent();
            // a replica down: attaching needs the primary only
            new ProcessBuilder("kill", "-INT", pids.get("replica1").toString())
                    .start()
                    .waitFor();
            Boolean stopped = Await.until(
                    Duration.ofSeconds(60),
                    () -> ProcessHandle.of(pids.get("replica1"))
                                    .map(ProcessHandle::isAlive)
                                    .orElse(false)
                            ? null
                            : Boolean.TRUE);
            assertThat(stopped).isTrue();
            try (EmbeddedCluster degraded =
                    EmbeddedCluster.attachIfRunning(config).orElseThrow()) {
                assertThat(degraded.running("primary")).isTrue();
                assertThat(degraded.running("replica1")).isFalse();
                assertThat(degraded.replicas().get(0).port()).isPositive(); // the port it last used
            }
        } finally {
            assertThat(EmbeddedCluster.stopDetached(config)).isTrue();
        }
        assertThat(pids.values())
                .noneMatch(
                        pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertThat(EmbeddedCluster.attachIfRunning(config)).isEmpty();
        assertThat(EmbeddedCluster.stopDetached(config)).isFalse();
    }

    @Test
    void aCrashedClusterWithAStalePidFileStartsCleanly() throws Exception {
        Path dir = TestCluster.privateDir("crash");
        try (EmbeddedCluster cluster = TestCluster.startPrivate("crash", 0)) {
            try (Connection c = TestCluster.dataSource(cluster.primary()).getConnection();
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE acked (id int PRIMARY KEY)");
                s.execute("INSERT INTO acked SELECT generate_series(1, 500)");
            }
            cluster.crash();
        }
        Path pidFile = dir.resolve("primary/postmaster.pid");
        assertThat(pidFile).exists();
        // the pid now names a live process that is not PostgreSQL, as after a reboot with pid reuse
        Files.writeString(
                pidFile,
                ProcessHandle.current().pid() + "\n"
                        + Files.readString(pidFile).lines().skip(1).reduce("", (a, b) -> a + b + "\n"));
        try (EmbeddedCluster restarted = EmbeddedCluster.start(ClusterConfig.of(dir, 0))) {
            assertThat(count(TestCluster.dataSource(restarted.primary()), "SELECT count(*) FROM acked"))
                    .isEqualTo(500);
        }
    }

    @Test
    void aDataDirectoryOfAnotherMajorVersionIsRefusedAndLeftUntouched() throws Exception {
        Path dir = TestCluster.privateDir("old-major");
        org.apache.commons.io.FileUtils.deleteDirectory(dir.toFile());
        Files.createDirectories(dir.resolve("primary/global"));
        Files.writeString(dir.resolve("primary/PG_VERSION"), "15\n");
        Files.writeString(dir.resolve("primary/global/pg_control"), "not really");
        String before = listing(dir.resolve("primary"));
        assertThatThrownBy(() -> EmbeddedCluster.start(ClusterConfig.of(dir, 1)))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("PostgreSQL 15")
                .hasMessageContaining("Nothing was changed");
        assertThat(listing(dir.resolve("primary"))).isEqualTo(before);
        assertThat(dir.resolve("replica1")).doesNotExist();
    }

    @Test
    void aCorruptDataDirectoryIsRefusedAndLeftUntouched() throws Exception {
        Path dir = TestCluster.privateDir("corrupt");
        org.apache.commons.io.FileUtils.deleteDirectory(dir.toFile());
        Files.createDirectories(dir.resolve("primary/base"));
        Files.writeString(dir.resolve("primary/PG_VERSION"), "17\n");
        String before = listing(dir.resolve("primary"));
        assertThatThrownBy(() -> EmbeddedCluster.start(ClusterConfig.of(dir, 0)))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("corrupt");
        assertThat(listing(dir.resolve("primary"))).isEqualTo(before);
    }

    @Test
    void replicaCountOutsideZeroToThreeIsRefused() {
        assertThatThrownBy(() -> ClusterConfig.of(Path.of("target/x"), 4))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("between 0 and 3");
    }

    static long count(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String listing(Path dir) throws Exception {
        try (var files = Files.walk(dir)) {
            return files.sorted()
                    .map(p -> {
                        try {
                            return dir.relativize(p) + ":" + (Files.isDirectory(p) ? "d" : Files.size(p));
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .reduce("", (a, b) -> a + b + "\n");
        }
    }
}
