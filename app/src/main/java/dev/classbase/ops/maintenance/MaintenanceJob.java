package dev.classbase.ops.maintenance;

import dev.classbase.data.JdbcUrls;
import dev.classbase.ops.kernel.ClusterJob;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Component;

/**
 * The maintenance schedule: daily light (vacuum and analyze over their thresholds) and weekly full
 * (also reindex and backup), as cron expressions; one runner per cluster (the maintenance lock: an
 * instance that finds it taken skips). Also starts the runs the admin API asks for, in the
 * background.
 *
 * <p>Metric: {@code classbase_maintenance_last_success_seconds{task}}, epoch seconds of the task's
 * last success (0: never), read from maintenance_runs, so every instance reports the cluster's, not
 * only the one that ran it.
 */
@Component
class MaintenanceJob implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MaintenanceJob.class);

    /** A named schedule and the tasks it runs. */
    record Schedule(String job, List<Task> tasks, String cron, String zone, OffsetDateTime next) {}

    private final Maintenance maintenance;
    private final MaintenanceProperties properties;
    private final Map<String, OffsetDateTime> lastSuccess = new ConcurrentHashMap<>();
    private final ExecutorService background = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("maintenance-run").factory());
    private final ClusterJob job;

    MaintenanceJob(Maintenance maintenance, MaintenanceProperties properties, MeterRegistry registry) {
        this.maintenance = maintenance;
        this.properties = properties;
        // the last success per task is the cluster's, read from maintenance_runs below
        this.job = new ClusterJob("maintenance", registry, null, "classbase.maintenance.duration", Tags.empty());
        for (Task task : Task.ALL.expand()) {
            Gauge.builder("classbase.maintenance.last_success", lastSuccess, m -> epochSeconds(m.get(task.label())))
                    .tag("task", task.label())
                    .description("When the maintenance task last succeeded, epoch seconds (0: never)")
                    .baseUnit("seconds")
                    .register(registry);
        }
    }

    @Scheduled(cron = "${classbase.maintenance.light-cron:0 30 3 * * *}", zone = "${classbase.maintenance.zone:UTC}")
    void light() {
        scheduled("light", List.of(Task.VACUUM, Task.ANALYZE));
    }

    @Scheduled(cron = "${classbase.maintenance.full-cron:0 30 4 * * SUN}", zone = "${classbase.maintenance.zone:UTC}")
    void full() {
        scheduled("full", List.of(Task.ALL));
    }

    @Scheduled(fixedDelayString = "PT5M", initialDelayString = "PT30S")
    void refreshMetrics() {
        try {
            for (Maintenance.Run r : maintenance.lastRuns()) {
                if (r.lastSuccess() != null) {
                    lastSuccess.put(r.task(), r.lastSuccess());
                }
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("maintenance metrics not refreshed: {}", JdbcUrls.mask(e.getMessage()));
        }
    }

    List<Schedule> schedules() {
        return List.of(
                schedule("light", List.of(Task.VACUUM, Task.ANALYZE), properties.lightCron()),
                schedule("full", List.of(Task.VACUUM, Task.ANALYZE, Task.REINDEX, Task.BACKUP), properties.fullCron()));
    }

    private Schedule schedule(String job, List<Task> tasks, String cron) {
        OffsetDateTime next = null;
        if (properties.schedulerEnabled() && !cron.equals("-")) {
            ZonedDateTime n = CronExpression.parse(cron).next(ZonedDateTime.now(ZoneId.of(properties.zone())));
            next = n == null ? null : n.toOffsetDateTime();
        }
        return new Schedule(job, tasks, cron, properties.zone(), next);
    }

    private void scheduled(String job, List<Task> tasks) {
        if (!properties.schedulerEnabled()) {
            return;
        }
        long started = System.nanoTime();
        try (Maintenance.Session session = maintenance.begin("schedule")) {
            for (Task task : tasks) {
                for (Maintenance.TaskRun run : session.run(task, logging())) {
                    log.info(
                            "maintenance ({}): {} {}: {} in {} ms",
                            job,
                            run.task().label(),
                            run.outcome(),
                            run.detail(),
                            run.took().toMillis());
                }
            }
            this.job.succeeded(Duration.ofNanos(System.nanoTime() - started));
        } catch (Maintenance.Busy e) {
            log.info("maintenance ({}): skipped: {}", job, e.getMessage());
        } catch (IllegalStateException e) {
            this.job.skipped(ClusterJob.Skip.REPLICA, e.getMessage());
        } catch (SQLException | RuntimeException e) {
            this.job.failed(e);
        } finally {
            refreshMetrics();
        }
    }

    /**
     * Takes the lock now (so a second request is refused at once) and runs the task in the
     * background. Throws {@link Maintenance.Busy} when a run is in progress anywhere in the cluster.
     */
    void startNow(Task task) throws SQLException, Maintenance.Busy {
        Maintenance.Session session = maintenance.begin("api");
        background.execute(() -> {
            try (session) {
                for (Maintenance.TaskRun run : session.run(task, logging())) {
                    log.info("maintenance (api): {} {}: {}", run.task().label(), run.outcome(), run.detail());
                }
            } catch (SQLException | RuntimeException e) {
                log.warn("maintenance (api) of {} failed: {}", task.label(), JdbcUrls.mask(e.getMessage()));
            } finally {
                refreshMetrics();
            }
        });
    }

    private static Maintenance.Progress logging() {
        return new Maintenance.Progress() {
            @Override
            public void begin(MaintenanceTarget item) {}

            @Override
            public void end(Maintenance.Item item) {
                log.info(
                        "maintenance: {} {}: {} ({}) in {} ms{}",
                        item.candidate().task().label(),
                        item.candidate().qualified(),
                        item.outcome(),
                        item.candidate().reason(),
                        item.took().toMillis(),
                        item.detail() == null ? "" : ": " + item.detail());
            }
        };
    }

    /** A run in progress keeps its connection until its statement ends; no new one starts. */
    @Override
    public void close() {
        background.shutdown();
    }

    private static double epochSeconds(OffsetDateTime t) {
        return t == null ? 0 : t.toEpochSecond();
    }
}
