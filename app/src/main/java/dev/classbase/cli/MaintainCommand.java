package dev.classbase.cli;

import dev.classbase.cluster.Endpoint;
import dev.classbase.data.Migrations;
import dev.classbase.ops.maintenance.Login;
import dev.classbase.ops.maintenance.Maintenance;
import dev.classbase.ops.maintenance.MaintenanceProperties;
import dev.classbase.ops.maintenance.MaintenanceTarget;
import dev.classbase.ops.maintenance.Task;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "maintain",
        description = {
            "Maintenance of the primary: vacuum|analyze|reindex|backup|all.",
            "vacuum/analyze: the tables and partitions over the autovacuum formula (threshold + scale factor x live",
            "tuples: 50 + 20 % dead, 50 + 10 % changed), and partitioned parents, which autovacuum never analyzes.",
            "reindex: REINDEX INDEX CONCURRENTLY of invalid indexes and of indexes with >= 30 % estimated bloat.",
            "backup: pg_dump (custom format) when one of the server's major or newer is installed, else a base",
            "backup (data directory + WAL); then a restore check; keeps the newest --keep in --backup-dir.",
            "One run per cluster (a second waits for nothing: it stops with exit 1). Exit 1 when something failed,",
            "2 for an unknown task."
        })
final class MaintainCommand implements Callable<Integer> {
    @Parameters(paramLabel = "task", description = "vacuum, analyze, reindex, backup or all")
    String task;

    @Option(names = "--dry-run", description = "list what would be processed and why; change nothing")
    boolean dryRun;

    @Option(names = "--backup-dir", description = "where backups go (default: $CLASSBASE_BACKUP_DIR or var/backups)")
    Path backupDir;

    @Option(names = "--keep", defaultValue = "7", description = "backups to keep (default 7)")
    int keep;

    @Option(names = "--pg-dump", description = "a pg_dump to use (its major must be at least the server's)")
    String pgDump;

    @picocli.CommandLine.Mixin
    DataDir dataDir;

    @Override
    public Integer call() throws SQLException {
        Task parsed = Task.parse(task)
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown maintenance task '" + task + "'; valid: " + Task.valid()));
        MaintenanceProperties properties = MaintenanceProperties.defaults(backupDir(), keep, pgDump);
        try (DatabaseTarget target = DatabaseTarget.open(dataDir.path(), Settings.replicas(null))) {
            // the embedded cluster's superuser may call pg_backup_start; elsewhere the owner backs up
            Endpoint backupAs =
                    target.cluster().map(c -> c.superuser(c.primary())).orElse(null);
            Login login = backupAs != null
                    ? new Login(backupAs.jdbcUrl(), backupAs.user(), backupAs.password())
                    : new Login(
                            target.primary().url(),
                            target.primary().user(),
                            target.primary().password());
            Maintenance maintenance = new Maintenance(target.primaryDataSource(), login, properties, Clock.systemUTC());
            List<Maintenance.TaskRun> runs;
            if (dryRun) {
                runs = maintenance.dryRun(parsed, PRINTING);
            } else {
                Migrations.apply(target.primaryDataSource());
                try (Maintenance.Session session = maintenance.begin("cli")) {
                    runs = session.run(parsed, PRINTING);
                } catch (Maintenance.Busy | IllegalStateException e) {
                    System.err.println("classbase: " + e.getMessage() + "; nothing done");
                    return 1;
                }
            }
            boolean failed = false;
            for (Maintenance.TaskRun run : runs) {
                System.out.printf(
                        "%s: %s: %s (%.1f s)%n",
                        run.task().label(),
                        run.outcome(),
                        run.detail(),
                        run.took().toMillis() / 1000.0);
                failed |= run.outcome().equals("failed");
            }
            return failed ? 1 : 0;
        }
    }

    private Path backupDir() {
        if (backupDir != null) {
            return backupDir;
        }
        String env = System.getenv("CLASSBASE_BACKUP_DIR");
        return Path.of(env != null && !env.isBlank() ? env : "var/backups");
    }

    /** One line per item: what and why when it starts, its outcome and duration when it ends. */
    private static final Maintenance.Progress PRINTING = new Maintenance.Progress() {
        @Override
        public void begin(MaintenanceTarget c) {
            System.out.printf("%-8s %s (%s): %s ... ", c.task().label(), c.qualified(), c.kind(), c.reason());
            System.out.flush();
        }

        @Override
        public void end(Maintenance.Item item) {
            System.out.printf(
                    "%s in %.2f s%s%n",
                    item.outcome(), item.took().toMillis() / 1000.0, item.detail() == null ? "" : ": " + item.detail());
        }
    };
}
