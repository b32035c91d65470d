package dev.classbase.ops.views;

import dev.classbase.data.pool.Pools;
import dev.classbase.ops.kernel.ClusterJob;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Refreshes the views that are due, every tick ({@code classbase.views.tick}, one minute), on the
 * analytics pool of the primary (long statements stay off the request pool). One instance of a
 * cluster runs a pass (the refresher's runner lock); on a replica it does nothing.
 *
 * <p>Metrics, per view (tag {@code view}): {@code classbase.views.last_success} (epoch seconds of
 * the last successful refresh, cluster-wide: read from the database, so every instance reports it,
 * not only the one that refreshed), {@code classbase.views.staleness} (seconds since the data's
 * as-of time; NaN before the first refresh) and {@code classbase.views.refresh} (a timer per
 * outcome of the refreshes this instance ran).
 */
@Component
@EnableConfigurationProperties(ViewProperties.class)
class ViewRefreshJob {
    private static final Logger log = LoggerFactory.getLogger(ViewRefreshJob.class);

    private final ViewRefresher refresher;
    private final ViewProperties properties;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, OffsetDateTime> lastSuccess = new ConcurrentHashMap<>();
    private final Map<String, OffsetDateTime> asOf = new ConcurrentHashMap<>();
    private final ClusterJob job;

    @Autowired
    ViewRefreshJob(Pools pools, ViewProperties properties, MeterRegistry registry) {
        this(
                new ViewRefresher(pools.analyticsPrimary(), properties, Clock.systemUTC()),
                properties,
                registry,
                Clock.systemUTC());
    }

    ViewRefreshJob(ViewRefresher refresher, ViewProperties properties, MeterRegistry registry, Clock clock) {
        this.refresher = refresher;
        this.properties = properties;
        this.registry = registry;
        this.clock = clock;
        // the last success per view is the cluster's, read from the refresh bookkeeping below
        this.job = new ClusterJob("view refresh", registry, null, "classbase.views.pass", Tags.empty());
        for (MaterializedView view : refresher.registry().views()) {
            Gauge.builder("classbase.views.last_success", lastSuccess, m -> epochSeconds(m.get(view.name())))
                    .tag("view", view.name())
                    .description("When the view was last refreshed successfully, epoch seconds (0: never)")
                    .register(registry);
            Gauge.builder("classbase.views.staleness", asOf, m -> staleness(m.get(view.name())))
                    .tag("view", view.name())
                    .description("Seconds since the time the view's data is as of (NaN: never refreshed)")
                    .baseUnit("seconds")
                    .register(registry);
        }
    }

    @Scheduled(
            fixedDelayString = "${classbase.views.tick:PT1M}",
            initialDelayString = "${classbase.views.initial-delay:PT20S}")
    void scheduled() {
        if (!properties.schedulerEnabled()) {
            return;
        }
        try {
            RefreshPass pass = run();
            switch (pass.outcome()) {
                case RAN ->
                    pass.views().stream()
                            .filter(v -> v.outcome() != RefreshResult.Outcome.FRESH)
                            .forEach(v -> {
                                if (v.outcome() == RefreshResult.Outcome.REFRESHED) {
                                    log.info(
                                            "view {}: {} ({} ms)",
                                            v.view(),
                                            v.detail(),
                                            v.took().toMillis());
                                } else {
                                    log.warn(
                                            "view {}: {}: {}",
                                            v.view(),
                                            v.outcome().label(),
                                            v.detail());
                                }
                            });
                case SKIPPED_REPLICA -> job.skipped(ClusterJob.Skip.REPLICA, pass.message());
                case SKIPPED_LOCKED -> job.skipped(ClusterJob.Skip.LOCKED, pass.message());
            }
        } catch (SQLException | RuntimeException e) {
            job.failed(e);
        }
    }

    /** One pass now; records its metrics and the cluster's refresh times. */
    RefreshPass run() throws SQLException {
        RefreshPass pass = refresher.refreshDue();
        if (pass.outcome() == RefreshPass.Outcome.RAN) {
            job.finished(pass.outcome().name(), pass.took());
        }
        for (RefreshResult r : pass.views()) {
            if (r.outcome() != RefreshResult.Outcome.FRESH) {
                Timer.builder("classbase.views.refresh")
                        .tag("view", r.view())
                        .tag("outcome", r.outcome().label())
                        .description("Refreshes of a materialized view run by this instance")
                        .register(registry)
                        .record(r.took());
            }
        }
        Map<String, ViewRefresher.Refresh> last = refresher.refreshes();
        last.forEach((view, r) -> {
            if (r.refreshedAt() != null) {
                lastSuccess.put(view, r.refreshedAt());
            }
        });
        refresher.asOf(last).forEach((view, t) -> {
            if (t != null) {
                asOf.put(view, t);
            }
        });
        return pass;
    }

    private static double epochSeconds(OffsetDateTime t) {
        return t == null ? 0 : t.toEpochSecond();
    }

    private double staleness(OffsetDateTime t) {
        return t == null
                ? Double.NaN
                : Duration.between(t, OffsetDateTime.now(clock)).toMillis() / 1000.0;
    }
}
