package dev.classbase.ops.queries;

import dev.classbase.data.pool.Pools;
import dev.classbase.ops.kernel.ClusterJob;
import dev.classbase.ops.kernel.ConsoleDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Wakes every {@code classbase.console.history.tick} (one minute) and, when a snapshot is due
 * cluster-wide, takes it through the analytics pools of the primary and the replicas (off the
 * request pools). Without
 * pg_stat_statements it does nothing and says so once. Records {@code
 * classbase.console.history.last_success} (epoch seconds).
 */
@Component
@EnableConfigurationProperties(HistoryProperties.class)
class HistoryJob {
    private static final Logger log = LoggerFactory.getLogger(HistoryJob.class);

    private final HistorySnapshot snapshot;
    private final HistoryProperties properties;
    private final ConsoleDatabase db;
    private final ClusterJob job;
    private volatile boolean saidUnavailable;

    HistoryJob(Pools pools, HistoryProperties properties, ConsoleDatabase db, MeterRegistry registry) {
        // the analytics pools: off the request pools, and the statement timeout fits a bigger read
        this.snapshot = new HistorySnapshot(pools.analyticsPrimary(), pools.analyticsReplicas(), properties);
        this.properties = properties;
        this.db = db;
        this.job = new ClusterJob(
                "query history snapshot",
                registry,
                "classbase.console.history.last_success",
                "classbase.console.history.duration",
                Tags.empty());
    }

    @Scheduled(
            fixedDelayString = "${classbase.console.history.tick:PT1M}",
            initialDelayString = "${classbase.console.history.initial-delay:PT30S}")
    void scheduled() {
        if (!properties.enabled()) {
            return;
        }
        try {
            run(false);
        } catch (SQLException | RuntimeException e) {
            job.failed(e);
        }
    }

    /** One run now; null when pg_stat_statements is not available. */
    HistorySnapshot.Result run(boolean force) throws SQLException {
        ConsoleDatabase.Feature statements = db.statements();
        if (!statements.available()) {
            if (!saidUnavailable) {
                saidUnavailable = true;
                log.warn("query history: pg_stat_statements {}; no snapshots", statements.note());
            }
            return null;
        }
        long started = System.nanoTime();
        HistorySnapshot.Result result = snapshot.run(force);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        switch (result.outcome()) {
            case SKIPPED_REPLICA -> job.skipped(ClusterJob.Skip.REPLICA, "this server is a replica; no snapshot");
            case SKIPPED_LOCKED -> job.skipped(ClusterJob.Skip.LOCKED, "another instance takes the snapshot");
            case NOT_DUE -> job.finished("not_due", took);
            case TAKEN -> job.succeeded(took);
        }
        if (result.outcome() == HistorySnapshot.Outcome.TAKEN) {
            log.debug("query history: snapshot {} with {} statements", result.snapshotId(), result.statements());
            if (!result.baselined().isEmpty()) {
                log.info(
                        "query history: first reading of {}: a baseline, its deltas start with the next snapshot",
                        result.baselined());
            }
            if (!result.restarted().isEmpty()) {
                log.info(
                        "query history: pg_stat_statements was reset on {} since the last snapshot; counted from zero",
                        result.restarted());
            }
        }
        if (result.pruned() > 0) {
            log.info("query history: deleted {} snapshot(s) older than {}", result.pruned(), properties.retention());
        }
        return result;
    }
}
