package dev.classbase.data.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.data.Probe;
import dev.classbase.data.consistency.Lsn;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A read that follows its write within milliseconds: the monitor's last poll is behind the write,
 * so the replica is asked how far it has replayed, and the answer, not the poll, decides.
 */
class ReplayedOnDemandTests {

    @Test
    void aReplicaThatReplayedTheWriteSinceItsLastPollIsAskedAndAccepted() throws Exception {
        TestCluster shared = TestCluster.shared();
        Probe.createTable(shared.primaryDataSource());
        // never started: no poll runs but the ones this test makes
        ReplicaMonitor monitor = new ReplicaMonitor(
                shared.primaryDataSource(),
                List.of(new ReplicaMonitor.Target("replica1", shared.replicaDataSource(0))),
                new RoutingProperties(Duration.ofSeconds(60), null, 0, 0, null),
                new SimpleMeterRegistry());
        monitor.pollNow();
        Lsn polled = monitor.status("replica1").replayLsn();
        assertThat(polled).isNotNull();

        Lsn written;
        try (Connection c = shared.primaryDataSource().getConnection()) {
            c.setAutoCommit(true);
            c.createStatement().execute("insert into rw_probe (op) values ('replayed on demand')");
            // committed: the insert and its commit record end before the WAL's insert position
            try (ResultSet rs = c.createStatement().executeQuery("select pg_current_wal_insert_lsn()::text")) {
                rs.next();
                written = Lsn.parse(rs.getString(1)).orElseThrow();
            }
        }
        // the poll's view is older than the write, and asking does not change it
        assertThat(polled.atLeast(written))
                .as("polled %s, written %s", polled, written)
                .isFalse();

        assertThat(Await.until(Duration.ofSeconds(10), () -> monitor.hasReplayed("replica1", written) ? true : null))
                .isTrue();
        assertThat(monitor.status("replica1").replayLsn()).isEqualTo(polled);
        // a position no replica has reached is never accepted
        assertThat(monitor.hasReplayed("replica1", new Lsn(Long.MAX_VALUE))).isFalse();
        assertThat(monitor.hasReplayed("no-such-replica", written)).isFalse();
    }
}
