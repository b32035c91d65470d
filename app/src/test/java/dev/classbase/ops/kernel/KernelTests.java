package dev.classbase.ops.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.testsupport.TestCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bounded read, the row mapper, the primary check and the cluster job's lock, on the shared test cluster. */
class KernelTests {
    private static DataSource primary;
    private static DataSource replica;

    @BeforeAll
    static void cluster() {
        primary = TestCluster.shared().primaryDataSource();
        replica = TestCluster.shared().replicaDataSource(0);
    }

    record Setting(String name, String setting, Long seconds, OffsetDateTime at, boolean flag) {}

    @Test
    void aBoundedReadIsReadOnlyTimedAndRolledBack() throws SQLException {
        Object[] seen = BoundedRead.run(primary, Duration.ofMillis(1500), c -> new Object[] {
            Rows.value(c, String.class, "SHOW transaction_read_only"),
            Rows.value(c, String.class, "SHOW statement_timeout"),
            Rows.value(c, String.class, "SHOW lock_timeout")
        });
        assertThat(seen).containsExactly("on", "1500ms", "1500ms");
        assertThatThrownBy(() -> BoundedRead.run(primary, Duration.ofSeconds(5), c -> {
                    Rows.execute(c, "CREATE TEMP TABLE kernel_write (id int)");
                    return null;
                }))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("read-only transaction");
        assertThatThrownBy(() -> BoundedRead.run(
                        primary, Duration.ofMillis(100), c -> Rows.value(c, Object.class, "SELECT pg_sleep(2)")))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("statement timeout");
        // the connection went back to the pool in autocommit, with the settings gone
        try (Connection c = primary.getConnection()) {
            assertThat(c.getAutoCommit()).isTrue();
        }
    }

    @Test
    void rowsFillARecordByColumnLabel() throws SQLException {
        Setting s = BoundedRead.run(
                primary,
                Duration.ofSeconds(5),
                c -> Rows.first(c, Setting.class, """
                        SELECT now() AS at, name, setting, ?::int AS seconds, true AS flag
                        FROM pg_settings WHERE name = ?
                        """, 7, "max_connections").orElseThrow());
        assertThat(s.name()).isEqualTo("max_connections");
        assertThat(Integer.parseInt(s.setting())).isPositive();
        assertThat(s.seconds()).isEqualTo(7L);
        assertThat(s.at()).isNotNull();
        assertThat(s.flag()).isTrue();
        assertThat(Rows.camel("shared_blks_read")).isEqualTo("sharedBlksRead");
        assertThat(Rows.camel("p95_ms")).isEqualTo("p95Ms");
        assertThatThrownBy(() -> BoundedRead.run(
                        primary, Duration.ofSeconds(5), c -> Rows.rows(c, Setting.class, "SELECT 'x' AS name")))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("no column for Setting.setting");
    }

    @Test
    void theReplicaIsInRecoveryAndTheJobSkipsThere() throws SQLException {
        try (Connection p = primary.getConnection();
                Connection r = replica.getConnection()) {
            assertThat(Primary.is(p)).isTrue();
            assertThat(Primary.inRecovery(r)).isTrue();
            ClusterJob.Lock lock = ClusterJob.Lock.ofClass(0x6362746b);
            assertThat(ClusterJob.once(r, lock, c -> "ran").skipped()).isEqualTo(ClusterJob.Skip.REPLICA);
        }
    }

    @Test
    void oneRunnerHoldsTheLockAndReleasesIt() throws SQLException {
        ClusterJob.Lock lock = ClusterJob.Lock.of(0x63622d6b65726e6cL);
        try (Connection first = primary.getConnection();
                Connection second = primary.getConnection()) {
            ClusterJob.Guarded<ClusterJob.Guarded<String>> outer =
                    ClusterJob.once(first, lock, c -> ClusterJob.once(second, lock, other -> "both"));
            assertThat(outer.ran()).isTrue();
            assertThat(outer.value().skipped()).isEqualTo(ClusterJob.Skip.LOCKED);
            assertThat(ClusterJob.once(second, lock, c -> "after").value()).isEqualTo("after");
        }
    }

    @Test
    void aJobRecordsItsLastSuccessAndDuration() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ClusterJob job = new ClusterJob(
                "kernel test",
                registry,
                "kernel.test.last_success",
                "kernel.test.duration",
                io.micrometer.core.instrument.Tags.empty());
        assertThat(registry.get("kernel.test.last_success").gauge().value()).isZero();
        job.succeeded(Duration.ofMillis(20));
        job.finished("not_due", Duration.ofMillis(1));
        assertThat(registry.get("kernel.test.last_success").gauge().value()).isPositive();
        assertThat(registry.get("kernel.test.duration")
                        .tag("outcome", "done")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("kernel.test.duration")
                        .tag("outcome", "not_due")
                        .timer()
                        .count())
                .isEqualTo(1);
    }
}
