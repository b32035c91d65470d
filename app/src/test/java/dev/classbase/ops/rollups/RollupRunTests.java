package dev.classbase.ops.rollups;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.TestCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** One runner at a time, a no-op on a replica, and the job's metrics. */
class RollupRunTests {

    @Test
    void aSecondRunWhileOneIsInProgressIsSkipped() throws Exception {
        DataSource db = TestCluster.shared().freshDatabase("rollup_lock");
        Rollups rollups = new Rollups(db, RollupProperties.defaults());
        try (Connection holder = db.getConnection()) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("select pg_advisory_xact_lock(1667396204, 0)"); // what a run in progress holds
            }
            RollupRun second = rollups.run(false);
            assertThat(second.outcome()).isEqualTo("skipped_running");
            assertThat(second.detail()).contains("in progress elsewhere");
            holder.rollback();
        }
        assertThat(rollups.run(false).ran()).isTrue();
    }

    @Test
    void onAReplicaARunIsANoOpThatSaysSo() throws Exception {
        TestCluster.shared().primaryDataSource(); // the shared database exists and is migrated
        Rollups onReplica = new Rollups(TestCluster.shared().replicaDataSource(0), RollupProperties.defaults());
        RollupRun run = onReplica.run(false);
        assertThat(run.outcome()).isEqualTo("skipped_replica");
        assertThat(run.detail()).contains("replica");
    }

    @Test
    void theJobRecordsTheWatermarkAsMetrics() throws Exception {
        DataSource db = TestCluster.shared().freshDatabase("rollup_job");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RollupJob job = new RollupJob(
                new Rollups(db, RollupProperties.defaults()), RollupProperties.defaults(), registry, Clock.systemUTC());
        assertThat(registry.get("classbase.rollups.last_success").gauge().value())
                .isZero();
        assertThat(job.run().outcome()).isEqualTo("rebuilt");
        assertThat(job.run().outcome()).isEqualTo("ran");
        assertThat(registry.get("classbase.rollups.last_success").gauge().value())
                .isPositive();
        assertThat(registry.get("classbase.rollups.staleness").gauge().value()).isBetween(0.0, 60.0);
        assertThat(registry.get("classbase.rollups.run")
                        .tag("outcome", "ran")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(JdbcClient.create(db)
                        .sql("select last_seq from rollup_state")
                        .query(Long.class)
                        .single())
                .isNotNull();
    }

    /** V72: the drained queue is vacuumed after a thousand dead rows, not after a fifth of the table. */
    @Test
    void theInboxIsVacuumedAsAQueue() {
        DataSource db = TestCluster.shared().freshDatabase("rollup_inbox_autovacuum");
        String options = JdbcClient.create(db)
                .sql("select array_to_string(reloptions, ',') from pg_class where oid = 'rollup_inbox'::regclass")
                .query(String.class)
                .single();
        assertThat(options.split(","))
                .contains(
                        "autovacuum_vacuum_scale_factor=0",
                        "autovacuum_vacuum_threshold=1000",
                        "autovacuum_analyze_scale_factor=0",
                        "autovacuum_analyze_threshold=1000");
    }
}
