package dev.classbase.ops.rollups;

import dev.classbase.data.pool.Pools;
import dev.classbase.ops.kernel.ClusterJob;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Drains the rollup inbox every tick ({@code classbase.rollups.tick}, one minute) on the analytics
 * pool of the primary. V50's function lets one run through per cluster and does nothing on a replica.
 *
 * <p>Metrics: {@code classbase.rollups.last_success} (epoch seconds of the cluster's last run, read
 * back from the database so every instance reports it), {@code classbase.rollups.staleness} (seconds
 * since then; NaN before the first run), {@code classbase.rollups.run} (timer per outcome, runs of
 * this instance) and {@code classbase.rollups.rows} (inbox rows this instance processed).
 */
@Component
@EnableConfigurationProperties(RollupProperties.class)
class RollupJob {
    private static final Logger log = LoggerFactory.getLogger(RollupJob.class);

    private final Rollups rollups;
    private final RollupProperties properties;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Counter rows;
    private final AtomicReference<OffsetDateTime> lastSuccess = new AtomicReference<>();
    private final ClusterJob job;

    @Autowired
    RollupJob(Pools pools, RollupProperties properties, MeterRegistry registry) {
        this(new Rollups(pools.analyticsPrimary(), properties), properties, registry, Clock.systemUTC());
    }

    RollupJob(Rollups rollups, RollupProperties properties, MeterRegistry registry, Clock clock) {
        this.rollups = rollups;
        this.properties = properties;
        this.registry = registry;
        this.clock = clock;
        // V50's function is the runner lock and the primary check; the last success is the cluster's (below)
        this.job = new ClusterJob("rollups", registry, null, "classbase.rollups.run", Tags.empty());
        this.rows = Counter.builder("classbase.rollups.rows")
                .description("Inbox rows (per statement, tenant, day and user) this instance rolled up")
                .register(registry);
        Gauge.builder(
                        "classbase.rollups.last_success",
                        lastSuccess,
                        r -> r.get() == null ? 0 : r.get().toEpochSecond())
                .description("When the rollups last ran, epoch seconds (0: never)")
                .register(registry);
        Gauge.builder(
                        "classbase.rollups.staleness",
                        lastSuccess,
                        r -> r.get() == null
                                ? Double.NaN
                                : Duration.between(r.get(), OffsetDateTime.now(this.clock))
                                                .toMillis()
                                        / 1000.0)
                .description("Seconds since the rollups' watermark time (NaN: never ran)")
                .baseUnit("seconds")
                .register(registry);
    }

    @Scheduled(
            fixedDelayString = "${classbase.rollups.tick:PT1M}",
            initialDelayString = "${classbase.rollups.initial-delay:PT15S}")
    void scheduled() {
        if (!properties.schedulerEnabled()) {
            return;
        }
        try {
            RollupRun run = run();
            switch (run.outcome()) {
                case "skipped_replica" -> job.skipped(ClusterJob.Skip.REPLICA, run.detail());
                case "rebuilt" ->
                    log.info("rollups: {} ({} ms)", run.detail(), run.took().toMillis());
                default -> log.debug("rollups: {}: {}", run.outcome(), run.detail());
            }
        } catch (SQLException | RuntimeException e) {
            job.failed(e);
        }
    }

    /** One run now; records its metrics and the cluster's watermark time. */
    RollupRun run() throws SQLException {
        RollupRun run = rollups.run(false);
        job.finished(run.outcome(), run.took());
        if (run.ran()) {
            rows.increment(run.inboxRows());
        }
        OffsetDateTime at = rollups.status().lastRunAt();
        if (at != null) {
            lastSuccess.set(at);
        }
        return run;
    }
}
