package dev.classbase.ops.alerts;

import dev.classbase.ops.kernel.ClusterJob;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Runs the evaluator every {@code classbase.alerts.interval} (30 s) on every instance (one of them
 * changes the alerts; see {@link AlertEvaluator}), and exports the readings as gauges for
 * Prometheus ({@code infrastructure/prometheus/classbase-rules.yml} holds the same rules over them):
 * {@code classbase_db_longest_query_seconds}, {@code classbase_db_connections_used_ratio},
 * {@code classbase_db_cache_hit_ratio}, {@code classbase_db_disk_used_ratio} (ratios 0..1),
 * {@code classbase_db_new_deadlocks} (this instance's count since its previous evaluation),
 * {@code classbase_db_lock_waiters} (backends waiting on a lock longer than lock-wait) and
 * {@code classbase_alerts_firing{rule}} (1 firing, 0 not). A gauge is NaN when its signal could not
 * be read or its reading is older than three intervals (the scheduler stopped), never a stale number.
 * Replication lag is the replica monitor's {@code classbase_replica_lag_seconds}; the error rate
 * comes from {@code http_server_requests_seconds_count}.
 */
@Component
class AlertJob {
    private static final Logger log = LoggerFactory.getLogger(AlertJob.class);

    private final AlertEvaluator evaluator;
    private final Clock clock;
    private final ClusterJob job;

    @Autowired
    AlertJob(AlertEvaluator evaluator, MeterRegistry registry) {
        this(evaluator, registry, Clock.systemUTC());
    }

    AlertJob(AlertEvaluator evaluator, MeterRegistry registry, Clock clock) {
        this.evaluator = evaluator;
        this.clock = clock;
        this.job = new ClusterJob(
                "alert evaluation",
                registry,
                "classbase.alerts.last_success",
                "classbase.alerts.duration",
                Tags.empty());
        gauge(registry, "classbase.db.longest_query_seconds", Rule.SLOW_QUERY, 1, "Longest statement running now");
        gauge(registry, "classbase.db.connections_used_ratio", Rule.CONNECTIONS, 100, "Connections / max_connections");
        gauge(registry, "classbase.db.cache_hit_ratio", Rule.CACHE_HIT, 100, "Worse of table and index cache hit");
        gauge(registry, "classbase.db.disk_used_ratio", Rule.DISK, 100, "Used share of the data directory's disk");
        gauge(registry, "classbase.db.new_deadlocks", Rule.DEADLOCKS, 1, "Deadlocks since the previous evaluation");
        gauge(registry, "classbase.db.lock_waiters", Rule.LOCK_WAITS, 1, "Backends waiting on a lock over lock-wait");
        for (Rule rule : Rule.values()) {
            Gauge.builder("classbase.alerts.firing", this, firing(rule))
                    .tag("rule", rule.id())
                    .description("1 while the rule's alert fires, 0 when not (NaN: not evaluated lately)")
                    .register(registry);
        }
    }

    @Scheduled(
            fixedDelayString = "${classbase.alerts.interval:PT30S}",
            initialDelayString = "${classbase.alerts.initial-delay:PT30S}")
    void scheduled() {
        if (!evaluator.properties().schedulerEnabled()) {
            return;
        }
        long started = System.nanoTime();
        try {
            Evaluation e = evaluator.evaluate();
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            switch (e.outcome()) {
                case RAN -> job.succeeded(took);
                case SKIPPED_REPLICA ->
                    job.skipped(ClusterJob.Skip.REPLICA, "this server is a replica; alerts are kept on the primary");
                case SKIPPED_LOCKED -> job.finished("skipped_locked", took);
            }
        } catch (SQLException | RuntimeException e) {
            // said once, not every 30 s; the next tick retries
            job.failed(e);
        }
    }

    private void gauge(MeterRegistry registry, String name, Rule rule, double divisor, String description) {
        Gauge.builder(name, this, job -> job.reading(rule, divisor))
                .description(description)
                .register(registry);
    }

    private Evaluation fresh() {
        Evaluation e = evaluator.last();
        Duration stale = evaluator.properties().interval().multipliedBy(3);
        return e == null || Duration.between(e.at(), clock.instant()).compareTo(stale) > 0 ? null : e;
    }

    private double reading(Rule rule, double divisor) {
        Evaluation e = fresh();
        if (e == null) {
            return Double.NaN;
        }
        return e.readings().stream()
                .filter(r -> r.rule() == rule && r.available())
                .mapToDouble(r -> r.value() / divisor)
                .findFirst()
                .orElse(Double.NaN);
    }

    private static ToDoubleFunction<AlertJob> firing(Rule rule) {
        return job -> {
            Evaluation e = job.fresh();
            if (e == null) {
                return Double.NaN;
            }
            return e.firing().stream().anyMatch(a -> a.rule().equals(rule.id())) ? 1 : 0;
        };
    }
}
