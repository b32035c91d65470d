package dev.classbase.ops.maintenance;

import dev.classbase.ops.kernel.ConsoleDatabase;
import dev.classbase.ops.kernel.ConsoleProperties;
import dev.classbase.web.ApiException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Maintenance for the console; admin-only by the authentication filter's {@code /api/v1/admin/**}
 * rule. GET: the tasks, the last run of each, the schedule, and what each task would process now and
 * why. POST: run a task now, in the background (202); 409 while any run holds the cluster's lock.
 */
@RestController
class MaintenanceController {
    private static final int RECENT = 20;

    private final Maintenance maintenance;
    private final MaintenanceJob job;
    private final MaintenanceProperties properties;
    private final ConsoleDatabase console;
    private final ConsoleProperties consoleProperties;

    MaintenanceController(
            Maintenance maintenance,
            MaintenanceJob job,
            MaintenanceProperties properties,
            ConsoleDatabase console,
            ConsoleProperties consoleProperties) {
        this.maintenance = maintenance;
        this.job = job;
        this.properties = properties;
        this.console = console;
        this.consoleProperties = consoleProperties;
    }

    record CandidateView(String task, String target, String kind, String reason, boolean runs, String skip) {
        static CandidateView of(MaintenanceTarget c) {
            return new CandidateView(c.task().label(), c.qualified(), c.kind(), c.reason(), c.runs(), c.skip());
        }
    }

    record Thresholds(
            long vacuumThreshold,
            double vacuumScaleFactor,
            long analyzeThreshold,
            double analyzeScaleFactor,
            int reindexBloatPercent,
            long reindexMinBytes,
            String source) {}

    record Overview(
            List<String> tasks,
            Maintenance.Run running,
            List<Maintenance.Run> lastRuns,
            List<Maintenance.Run> recentRuns,
            boolean schedulerEnabled,
            List<MaintenanceJob.Schedule> schedule,
            Thresholds thresholds,
            Map<String, List<CandidateView>> candidates,
            String backup) {}

    /**
     * One bounded read on the console's connection (read-only, statement timeout, rolled back), never
     * on the analytics pool the scheduled jobs need: when the console's two connections are busy the
     * answer is a quick 503 with Retry-After.
     */
    @GetMapping("/api/v1/admin/database/maintenance")
    Overview overview() throws SQLException {
        return console.readOnly(consoleProperties.checkTimeout(), this::overview);
    }

    private Overview overview(Connection c) throws SQLException {
        List<Maintenance.Run> last = maintenance.lastRuns(c);
        Map<String, List<CandidateView>> candidates = new LinkedHashMap<>();
        for (Task t : List.of(Task.VACUUM, Task.ANALYZE, Task.REINDEX)) {
            candidates.put(
                    t.label(),
                    maintenance.candidates(c, t).stream().map(CandidateView::of).toList());
        }
        return new Overview(
                Task.labels(),
                last.stream()
                        .filter(r -> "running".equals(r.outcome()))
                        .findFirst()
                        .orElse(null),
                last,
                maintenance.recentRuns(c, RECENT),
                properties.schedulerEnabled(),
                job.schedules(),
                new Thresholds(
                        properties.vacuumThreshold(),
                        properties.vacuumScaleFactor(),
                        properties.analyzeThreshold(),
                        properties.analyzeScaleFactor(),
                        properties.reindexBloatPercent(),
                        properties.reindexMinSize().toBytes(),
                        "PostgreSQL manual, The Autovacuum Daemon: threshold + scale factor × live tuples"),
                candidates,
                maintenance.backupPlan(c));
    }

    record Started(String task, List<String> runs, String status) {}

    @PostMapping("/api/v1/admin/database/maintenance/{task}")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Started run(@PathVariable("task") String name) throws SQLException {
        Task task = Task.parse(name)
                .orElseThrow(() -> ApiException.badRequest(
                        "task", "unknown maintenance task '" + name + "'; valid: " + Task.valid()));
        try {
            job.startNow(task);
        } catch (Maintenance.Busy e) {
            throw ApiException.conflict(e.getMessage());
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage());
        }
        return new Started(
                task.label(),
                task.expand().stream().map(Task::label).toList(),
                "started; GET /api/v1/admin/database/maintenance shows its progress and outcome");
    }
}
