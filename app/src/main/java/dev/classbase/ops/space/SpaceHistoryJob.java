package dev.classbase.ops.space;

import dev.classbase.data.pool.Pools;
import dev.classbase.ops.kernel.ClusterJob;
import dev.classbase.ops.kernel.LocalTimeout;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Once a day, the sizes of tables, indexes and materialized views into space_history (V61), and the
 * rows past the retention out. Wakes hourly ({@code classbase.console.space-history.tick}), so a
 * server down at any given hour still takes the day's snapshot; one runner per cluster (a session
 * advisory lock), on the primary's analytics pool.
 */
@Component
@EnableConfigurationProperties(SpaceHistoryProperties.class)
class SpaceHistoryJob {
    private static final Logger log = LoggerFactory.getLogger(SpaceHistoryJob.class);

    enum Outcome {
        TAKEN,
        NOT_DUE,
        SKIPPED_LOCKED,
        SKIPPED_REPLICA
    }

    record Result(Outcome outcome, int relations, int pruned) {}

    private final DataSource dataSource;
    private final SpaceHistoryProperties properties;
    private final ClusterJob job;

    SpaceHistoryJob(Pools pools, SpaceHistoryProperties properties, MeterRegistry registry) {
        this.dataSource = pools.analyticsPrimary();
        this.properties = properties;
        this.job = new ClusterJob(
                "space history",
                registry,
                "classbase.console.space_history.last_success",
                "classbase.console.space_history.duration",
                Tags.empty());
    }

    @Scheduled(
            fixedDelayString = "${classbase.console.space-history.tick:PT1H}",
            initialDelayString = "${classbase.console.space-history.initial-delay:PT2M}")
    void scheduled() {
        if (!properties.enabled()) {
            return;
        }
        try {
            long started = System.nanoTime();
            Result r = run(false);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            switch (r.outcome()) {
                case TAKEN -> {
                    job.succeeded(took);
                    log.info("space history: {} relations recorded, {} old rows deleted", r.relations(), r.pruned());
                }
                case NOT_DUE -> job.finished("not_due", took);
                case SKIPPED_REPLICA -> job.skipped(ClusterJob.Skip.REPLICA, "this server is a replica; no snapshot");
                case SKIPPED_LOCKED -> job.skipped(ClusterJob.Skip.LOCKED, "another instance takes the snapshot");
            }
        } catch (SQLException | RuntimeException e) {
            job.failed(e);
        }
    }

    /** {@code force}: snapshot even if today's exists (it is replaced). */
    Result run(boolean force) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            ClusterJob.Guarded<Result> run =
                    ClusterJob.once(c, SpaceHistoryQueries.RUNNER_LOCK, locked -> snapshot(locked, force));
            return run.ran()
                    ? run.value()
                    : new Result(
                            run.skipped() == ClusterJob.Skip.REPLICA ? Outcome.SKIPPED_REPLICA : Outcome.SKIPPED_LOCKED,
                            0,
                            0);
        }
    }

    private Result snapshot(Connection c, boolean force) throws SQLException {
        int relations = 0;
        boolean due = force || !SpaceHistoryQueries.takenToday(c);
        if (due) {
            c.setAutoCommit(false);
            try {
                LocalTimeout.statement(c, properties.snapshotTimeout());
                relations = SpaceHistoryQueries.snapshot(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
        int pruned = 0;
        int n;
        do {
            n = SpaceHistoryQueries.deleteOld(c, properties.retention(), properties.deleteBatch());
            pruned += n;
        } while (n == properties.deleteBatch());
        return new Result(due ? Outcome.TAKEN : Outcome.NOT_DUE, relations, pruned);
    }
}
