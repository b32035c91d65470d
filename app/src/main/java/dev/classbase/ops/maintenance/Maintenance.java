package dev.classbase.ops.maintenance;

import dev.classbase.ops.kernel.ClusterJob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Runs the maintenance tasks: VACUUM and ANALYZE of the tables over the autovacuum formula,
 * REINDEX INDEX CONCURRENTLY of invalid or bloated indexes, and a backup with its restore check.
 * Works as the owner (the CLI) or as the service role (the server), which may touch only what
 * PostgreSQL 17's pg_maintain lets it: the rest is skipped, each with why.
 *
 * <p>One run per cluster: a {@link Session} holds a session-level advisory lock on its one
 * connection, whoever started it (CLI, schedule or admin API); a second is refused with
 * {@link Busy}. Each task of a run is a row of maintenance_runs (V64). Statements run in
 * autocommit, since VACUUM and REINDEX CONCURRENTLY cannot run in a transaction block; VACUUM and
 * ANALYZE use SKIP_LOCKED, so a table someone holds locked is skipped rather than waited for.
 */
public final class Maintenance {
    private final DataSource dataSource;
    private final MaintenanceProperties properties;
    private final MaintenanceTargets candidates;
    private final Backups backups;
    private final BackupStep backup;

    /**
     * {@code dataSource}: the primary, for the lock, the runs and the statements; {@code backupLogin}:
     * how the backup connects (pg_dump and the restore check need credentials, not a pool).
     */
    public Maintenance(DataSource dataSource, Login backupLogin, MaintenanceProperties properties, Clock clock) {
        this.dataSource = dataSource;
        this.properties = properties;
        this.candidates = new MaintenanceTargets(dataSource, properties);
        this.backups = new Backups(properties, backupLogin, clock);
        this.backup = new BackupStep(backups);
    }

    /** Reports progress: each item when it starts (what and why) and when it ends (outcome, time). */
    public interface Progress {
        void begin(MaintenanceTarget item);

        void end(Item item);

        Progress NONE = new Progress() {
            @Override
            public void begin(MaintenanceTarget item) {}

            @Override
            public void end(Item item) {}
        };
    }

    /** {@code outcome}: done, failed, skipped, or "would run" in a dry run. */
    public record Item(MaintenanceTarget candidate, TargetOutcome outcome, String detail, Duration took) {}

    /** One task of a run; {@code outcome}: succeeded, failed, or "dry run". */
    public record TaskRun(
            Task task,
            String outcome,
            int processed,
            int failed,
            int skipped,
            String method,
            String detail,
            Duration took,
            List<Item> items) {}

    /** Another run holds the lock. */
    public static final class Busy extends Exception {
        Busy(String message) {
            super(message);
        }
    }

    /** What each task would process now, and why (read-only). */
    public List<MaintenanceTarget> candidates(Task task) throws SQLException {
        return candidates.of(task);
    }

    /** As {@link #candidates(Task)}, on the caller's connection (the console's bounded read). */
    public List<MaintenanceTarget> candidates(Connection c, Task task) throws SQLException {
        return candidates.of(c, task);
    }

    /** The backup method a run would use now, and why. */
    public String backupPlan() throws SQLException {
        Backups.Plan plan = backups.plan();
        return plan.method() + ": " + plan.why();
    }

    /** As {@link #backupPlan()}, on a connection of the backup's role (the console's bounded read). */
    public String backupPlan(Connection c) throws SQLException {
        Backups.Plan plan = backups.plan(c);
        return plan.method() + ": " + plan.why();
    }

    /** The tasks as a dry run: what would be processed and why, nothing changed, no lock, no record. */
    public List<TaskRun> dryRun(Task task, Progress progress) throws SQLException {
        List<TaskRun> runs = new ArrayList<>();
        for (Task t : task.expand()) {
            long started = System.nanoTime();
            List<Item> items = new ArrayList<>();
            Backups.Plan plan = t == Task.BACKUP ? backups.plan() : null;
            String method = plan == null ? null : plan.method();
            List<MaintenanceTarget> list = plan != null ? List.of(BackupStep.target(plan)) : candidates.of(t);
            for (MaintenanceTarget c : list) {
                progress.begin(c);
                Item item = new Item(
                        c,
                        c.runs() ? TargetOutcome.WOULD_RUN : TargetOutcome.SKIPPED,
                        c.runs() ? null : c.skip(),
                        Duration.ZERO);
                progress.end(item);
                items.add(item);
            }
            runs.add(summary(t, "dry run", method, items, since(started)));
        }
        return runs;
    }

    /** Takes the cluster's maintenance lock, or throws {@link Busy} naming the run that holds it. */
    public Session begin(String triggeredBy) throws SQLException, Busy {
        Connection c = dataSource.getConnection();
        try {
            ClusterJob.Skip skip = ClusterJob.acquire(c, MaintenanceQueries.RUNNER_LOCK);
            if (skip == ClusterJob.Skip.REPLICA) {
                throw new IllegalStateException(
                        "this server is a replica (pg_is_in_recovery()); maintenance runs on the primary");
            }
            if (skip == ClusterJob.Skip.LOCKED) {
                throw new Busy(running(c));
            }
            try (Statement s = c.createStatement()) {
                s.executeUpdate(MaintenanceQueries.abandonStaleRuns());
            }
            try (PreparedStatement ps = c.prepareStatement(MaintenanceQueries.setStatementTimeout())) {
                ps.setString(1, properties.statementTimeout().toMillis() + "ms");
                ps.executeQuery().close();
            }
            return new Session(c, triggeredBy);
        } catch (SQLException | Busy | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static String running(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(MaintenanceQueries.runningRun())) {
            if (rs.next()) {
                return "a maintenance run is in progress: " + rs.getString(1) + " (" + rs.getString(2) + ", started "
                        + rs.getObject(3, OffsetDateTime.class).withNano(0) + ")";
            }
        }
        return "a maintenance run is in progress (another process holds the maintenance lock)";
    }

    /** A run holding the lock; closing it releases the lock. */
    public final class Session implements AutoCloseable {
        private final Connection c;
        private final String triggeredBy;

        private Session(Connection c, String triggeredBy) {
            this.c = c;
            this.triggeredBy = triggeredBy;
        }

        /** Runs the task (each task of {@code all} in turn), recording each in maintenance_runs. */
        public List<TaskRun> run(Task task, Progress progress) throws SQLException {
            List<TaskRun> runs = new ArrayList<>();
            for (Task t : task.expand()) {
                runs.add(runOne(t, progress));
            }
            return runs;
        }

        private TaskRun runOne(Task task, Progress progress) throws SQLException {
            long started = System.nanoTime();
            long id;
            try (PreparedStatement ps = c.prepareStatement(MaintenanceQueries.insertRun())) {
                ps.setString(1, task.label());
                ps.setString(2, triggeredBy);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            TaskRun run;
            try {
                run = task == Task.BACKUP ? backup(progress, started) : statements(task, progress, started);
            } catch (SQLException | RuntimeException e) {
                run = new TaskRun(task, "failed", 0, 1, 0, null, e.getMessage(), since(started), List.of());
            }
            try (PreparedStatement ps = c.prepareStatement(MaintenanceQueries.finishRun())) {
                ps.setString(1, run.outcome());
                ps.setInt(2, run.processed());
                ps.setInt(3, run.failed());
                ps.setInt(4, run.skipped());
                ps.setString(5, run.method());
                ps.setString(6, run.detail());
                ps.setLong(7, id);
                ps.executeUpdate();
            }
            return run;
        }

        private TaskRun statements(Task task, Progress progress, long started) throws SQLException {
            List<Item> items = new ArrayList<>();
            for (MaintenanceTarget candidate : candidates.of(c, task)) {
                progress.begin(candidate);
                Item item = candidate.runs()
                        ? execute(candidate)
                        : new Item(candidate, TargetOutcome.SKIPPED, candidate.skip(), Duration.ZERO);
                progress.end(item);
                items.add(item);
            }
            TaskRun summary = summary(task, null, null, items, since(started));
            return summary;
        }

        private Item execute(MaintenanceTarget candidate) {
            long started = System.nanoTime();
            String sql = switch (candidate.task()) {
                case VACUUM -> MaintenanceQueries.vacuum(candidate.sqlName());
                case ANALYZE -> MaintenanceQueries.analyze(candidate.sqlName());
                case REINDEX -> MaintenanceQueries.reindex(candidate.sqlName());
                default -> throw new IllegalArgumentException(candidate.task().label());
            };
            try (Statement s = c.createStatement()) {
                s.execute(sql);
                for (SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
                    if (w.getMessage() != null && w.getMessage().startsWith("skipping")) {
                        return new Item(candidate, TargetOutcome.SKIPPED, w.getMessage(), since(started));
                    }
                }
                return new Item(candidate, TargetOutcome.DONE, null, since(started));
            } catch (SQLException e) {
                return new Item(candidate, TargetOutcome.FAILED, e.getMessage(), since(started));
            }
        }

        private TaskRun backup(Progress progress, long started) throws SQLException {
            BackupStep.Done done = backup.run(progress, started);
            TaskRun s = summary(Task.BACKUP, null, done.method(), List.of(done.item()), since(started));
            return new TaskRun(
                    s.task(),
                    s.outcome(),
                    s.processed(),
                    s.failed(),
                    s.skipped(),
                    done.method(),
                    done.detail(),
                    s.took(),
                    s.items());
        }

        /** Releases the lock; a connection that cannot is aborted, so no pool keeps a session holding it. */
        @Override
        public void close() throws SQLException {
            try {
                try (Statement s = c.createStatement()) {
                    s.execute(MaintenanceQueries.resetStatementTimeout());
                }
                ClusterJob.release(c, MaintenanceQueries.RUNNER_LOCK);
            } catch (SQLException e) {
                c.abort(Runnable::run);
                throw e;
            } finally {
                c.close();
            }
        }
    }

    private static TaskRun summary(Task task, String outcome, String method, List<Item> items, Duration took) {
        int done = 0;
        int failed = 0;
        int skipped = 0;
        String firstFailure = null;
        for (Item i : items) {
            switch (i.outcome()) {
                case DONE -> done++;
                case FAILED -> {
                    failed++;
                    firstFailure = firstFailure == null ? i.candidate().qualified() + ": " + i.detail() : firstFailure;
                }
                case SKIPPED -> skipped++;
                case WOULD_RUN -> {}
            }
        }
        String detail = outcome != null
                ? items.stream()
                                .filter(i -> i.outcome() == TargetOutcome.WOULD_RUN)
                                .count() + " would run, " + skipped + " skipped"
                : done + " done, " + failed + " failed, " + skipped + " skipped"
                        + (firstFailure == null ? "" : "; first failure: " + firstFailure);
        return new TaskRun(
                task,
                outcome != null ? outcome : failed == 0 ? "succeeded" : "failed",
                done,
                failed,
                skipped,
                method,
                detail,
                took,
                items);
    }

    private static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** A recorded run; {@code lastSuccess} is the task's last success, on the rows of {@link #lastRuns}. */
    public record Run(
            String task,
            String triggeredBy,
            OffsetDateTime startedAt,
            OffsetDateTime finishedAt,
            String outcome,
            int processed,
            int failed,
            int skipped,
            String method,
            String detail,
            OffsetDateTime lastSuccess) {}

    /** Per task (vacuum, analyze, reindex, backup): its last run, if any, and its last success. */
    public List<Run> lastRuns() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return lastRuns(c);
        }
    }

    /** As {@link #lastRuns()}, on the caller's connection. */
    public List<Run> lastRuns(Connection c) throws SQLException {
        List<Run> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(MaintenanceQueries.lastRuns());
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(run(rs, rs.getObject(11, OffsetDateTime.class)));
            }
        }
        return out;
    }

    /** The newest runs of any task, newest first, on the caller's connection. */
    public List<Run> recentRuns(Connection c, int limit) throws SQLException {
        List<Run> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(MaintenanceQueries.recentRuns())) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(run(rs, null));
                }
            }
        }
        return out;
    }

    /** A row of MaintenanceQueries.lastRuns() or recentRuns(): their first ten columns are the same. */
    private static Run run(ResultSet rs, OffsetDateTime lastSuccess) throws SQLException {
        return new Run(
                rs.getString(1),
                rs.getString(2),
                rs.getObject(3, OffsetDateTime.class),
                rs.getObject(4, OffsetDateTime.class),
                rs.getString(5),
                rs.getInt(6),
                rs.getInt(7),
                rs.getInt(8),
                rs.getString(9),
                rs.getString(10),
                lastSuccess);
    }
}
