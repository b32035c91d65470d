package dev.classbase.ops.partitions;

import dev.classbase.data.pool.Pools;
import dev.classbase.ops.kernel.ClusterJob;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.sql.SQLException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Runs partition maintenance daily ({@code classbase.partitions.cron}, 03:17 UTC) on the analytics
 * pool of the primary (its statement timeout allows moving a large default partition; the request
 * pool's does not), as the service role through V65's functions; one instance of a cluster does it
 * (the manager's advisory lock), the others skip; on a replica it does nothing. Records
 * {@code classbase.partitions.last_success} (epoch seconds) and {@code classbase.partitions.duration}.
 * Four months are kept ready, so a missed day or two (server down at 03:17) costs nothing.
 */
@Component
@EnableConfigurationProperties(PartitionProperties.class)
class PartitionMaintenanceJob {
    private static final Logger log = LoggerFactory.getLogger(PartitionMaintenanceJob.class);

    private final PartitionManager manager;
    private final ClusterJob job;
    private volatile boolean warnedNotOwner;

    @Autowired
    PartitionMaintenanceJob(Pools pools, PartitionProperties properties, MeterRegistry registry) {
        this(new PartitionManager(pools.analyticsPrimary(), properties, Clock.systemUTC()), registry);
    }

    PartitionMaintenanceJob(PartitionManager manager, MeterRegistry registry) {
        this.manager = manager;
        this.job = new ClusterJob(
                "partition maintenance",
                registry,
                "classbase.partitions.last_success",
                "classbase.partitions.duration",
                Tags.empty());
    }

    @Scheduled(cron = "${classbase.partitions.cron:0 17 3 * * *}", zone = "UTC")
    void scheduled() {
        try {
            MaintenanceReport report = run();
            switch (report.outcome()) {
                case DONE ->
                    log.info(
                            "partition maintenance: {} ({} ms)",
                            report.message(),
                            report.took().toMillis());
                case PARTIAL -> log.warn("partition maintenance: {}; {}", report.message(), report.tables());
                case SKIPPED_REPLICA -> job.skipped(ClusterJob.Skip.REPLICA, report.message());
                case SKIPPED_LOCKED -> job.skipped(ClusterJob.Skip.LOCKED, report.message());
                case SKIPPED_NOT_OWNER -> {
                    // a role without V65's grant: detected every run, said once; the CLI (as the owner) works
                    if (!warnedNotOwner) {
                        warnedNotOwner = true;
                        log.warn("partition maintenance: {}", report.message());
                    }
                }
                default -> log.info("partition maintenance: {}", report.message());
            }
        } catch (SQLException | RuntimeException e) {
            job.failed(e);
        }
    }

    /** Runs maintenance now and records its metrics. */
    MaintenanceReport run() throws SQLException {
        MaintenanceReport report = manager.maintain();
        if (report.outcome() == MaintenanceReport.Outcome.DONE) {
            job.succeeded(report.took());
        } else {
            job.finished(report.outcome().name(), report.took());
        }
        return report;
    }
}
