package dev.classbase.ops.console;

import dev.classbase.data.JdbcUrls;
import dev.classbase.data.pool.Pools;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
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
    private final AtomicLong lastSuccess = new AtomicLong();
    private volatile boolean saidUnavailable;

    HistoryJob(Pools pools, HistoryProperties properties, ConsoleDatabase db, MeterRegistry registry) {
        // the analytics pools: off the request pools, and the statement timeout fits a bigger read
        this.snapshot = new HistorySnapshot(pools.analyticsPrimary(), pools.analyticsReplicas(), properties);
        this.properties = properties;
        this.db = db;
        Gauge.builder("classbase.console.history.last_success", lastSuccess, AtomicLong::get)
                .description("When this instance last took a query history snapshot, epoch seconds (0: not yet)")
                .register(registry);
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
            log.warn("query history snapshot failed; the next tick retries: {}", JdbcUrls.mask(e.getMessage()));
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
        HistorySnapshot.Result result = snapshot.run(force);
        if (result.outcome() == HistorySnapshot.Outcome.TAKEN) {
            lastSuccess.set(System.currentTimeMillis() / 1000);
            log.debug("query history: snapshot {} with {} statements", result.snapshotId(), result.statements());
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
