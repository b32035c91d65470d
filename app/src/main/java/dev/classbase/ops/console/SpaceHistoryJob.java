package dev.classbase.ops.console;

import dev.classbase.data.JdbcUrls;
import dev.classbase.data.pool.Pools;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
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

    SpaceHistoryJob(Pools pools, SpaceHistoryProperties properties) {
        this.dataSource = pools.analyticsPrimary();
        this.properties = properties;
    }

    @Scheduled(
            fixedDelayString = "${classbase.console.space-history.tick:PT1H}",
            initialDelayString = "${classbase.console.space-history.initial-delay:PT2M}")
    void scheduled() {
        if (!properties.enabled()) {
            return;
        }
        try {
            Result r = run(false);
            if (r.outcome() == Outcome.TAKEN) {
                log.info("space history: {} relations recorded, {} old rows deleted", r.relations(), r.pruned());
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("space history snapshot failed; the next tick retries: {}", JdbcUrls.mask(e.getMessage()));
        }
    }

    /** {@code force}: snapshot even if today's exists (it is replaced). */
    Result run(boolean force) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            if (SpaceHistoryQueries.inRecovery(c)) {
                return new Result(Outcome.SKIPPED_REPLICA, 0, 0);
            }
            if (!SpaceHistoryQueries.tryRunnerLock(c)) {
                return new Result(Outcome.SKIPPED_LOCKED, 0, 0);
            }
            try {
                int relations = 0;
                boolean due = force || !SpaceHistoryQueries.takenToday(c);
                if (due) {
                    c.setAutoCommit(false);
                    try {
                        try (Statement s = c.createStatement()) {
                            s.execute("SET LOCAL statement_timeout = "
                                    + properties.snapshotTimeout().toMillis());
                        }
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
            } finally {
                SpaceHistoryQueries.runnerUnlock(c);
            }
        }
    }
}
