package dev.classbase.ops.maintenance;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The backup task as one step of a maintenance run: the plan (pg_dump or a base backup, and why),
 * the copy, and its restore check, reported as the run's single target. A copy whose restore check
 * fails counts as failed: a backup nobody can restore is not one.
 */
final class BackupStep {
    /** The step's item, the method it used and what it says about the copy. */
    record Done(Maintenance.Item item, String method, String detail) {}

    private final Backups backups;

    BackupStep(Backups backups) {
        this.backups = backups;
    }

    /** The target a plan stands for: skipped, with the plan's reason, when no method is possible. */
    static MaintenanceTarget target(Backups.Plan plan) {
        return new MaintenanceTarget(
                Task.BACKUP, "", "backup", plan.method(), plan.why(), plan.possible() ? null : plan.why());
    }

    Done run(Maintenance.Progress progress, long started) throws SQLException {
        Backups.Plan plan = backups.plan();
        MaintenanceTarget target = target(plan);
        progress.begin(target);
        Maintenance.Item item;
        String detail;
        try {
            BackupResult r = backups.run(plan);
            detail = r.path() + " (" + mb(r.bytes()) + "); restore check " + r.check();
            item = new Maintenance.Item(
                    target, r.checkPassed() ? TargetOutcome.DONE : TargetOutcome.FAILED, detail, since(started));
        } catch (IOException | SQLException | IllegalStateException e) {
            detail = e.getMessage();
            item = new Maintenance.Item(target, TargetOutcome.FAILED, detail, since(started));
        }
        progress.end(item);
        return new Done(item, plan.method(), detail);
    }

    private static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    private static String mb(long bytes) {
        return String.format("%.1f MB", bytes / 1048576.0);
    }
}
