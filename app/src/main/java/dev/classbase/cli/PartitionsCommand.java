package dev.classbase.cli;

import dev.classbase.data.Migrations;
import dev.classbase.ops.kernel.Primary;
import dev.classbase.ops.partitions.MaintenanceReport;
import dev.classbase.ops.partitions.PartitionManager;
import dev.classbase.ops.partitions.PartitionProperties;
import dev.classbase.ops.partitions.PartitionStatus;
import java.sql.SQLException;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
        name = "partitions",
        description = "The partitioned tables: monthly ones (kept ahead, expired by retention) and hash ones.",
        subcommands = {PartitionsCommand.Status.class, PartitionsCommand.Maintain.class})
final class PartitionsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(
            name = "status",
            description =
                    "Per partitioned table: partitions, ranges, sizes, estimated rows, rows in the default partition.")
    static final class Status implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        DataDir dataDir;

        private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE;

        @Override
        public Integer call() throws SQLException {
            try (DatabaseTarget target = DatabaseTarget.open(dataDir.path(), Settings.replicas(null))) {
                PartitionManager manager = new PartitionManager(
                        target.primaryDataSource(), PartitionProperties.defaults(), Clock.systemUTC());
                for (PartitionStatus t : manager.status()) {
                    System.out.printf(
                            "%s (%s): %d partitions, %s, ~%,d rows%s%n",
                            t.table(),
                            t.strategy(),
                            t.partitions().size(),
                            size(t.bytes()),
                            t.estimatedRows(),
                            t.defaultPartition() == null
                                    ? ""
                                    : String.format(
                                            ", default partition %s: %,d rows", t.defaultPartition(), t.defaultRows()));
                    for (PartitionStatus.Partition p : t.partitions()) {
                        String range = p.from() != null
                                ? "[" + DAY.format(p.from()) + ", " + DAY.format(p.to()) + ")"
                                : p.bound();
                        System.out.printf(
                                "  %-34s %-42s %10s %12s%n",
                                p.name(),
                                range,
                                size(p.bytes()),
                                p.estimatedRows() == null ? "?" : String.format("~%,d", p.estimatedRows()));
                    }
                }
            }
            return 0;
        }

        private static String size(long bytes) {
            return bytes >= 1 << 20
                    ? String.format("%.1f MB", bytes / 1048576.0)
                    : String.format("%d kB", bytes / 1024);
        }
    }

    @Command(
            name = "maintain",
            description = {
                "Create the months ahead, move rows out of default partitions, expire months past retention.",
                "Idempotent and safe while the server runs (one run at a time, cluster-wide). A no-op on a replica.",
                "Exit code 1 when part of it failed (the next run retries)."
            })
    static final class Maintain implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        DataDir dataDir;

        @Override
        public Integer call() throws SQLException {
            try (DatabaseTarget target = DatabaseTarget.open(dataDir.path(), Settings.replicas(null))) {
                PartitionManager manager = new PartitionManager(
                        target.primaryDataSource(), PartitionProperties.defaults(), Clock.systemUTC());
                migrateUnlessReplica(target);
                MaintenanceReport report = manager.maintain();
                for (MaintenanceReport.TableReport t : report.tables()) {
                    if (!t.created().isEmpty()
                            || t.movedFromDefault() > 0
                            || !t.expired().isEmpty()
                            || !t.errors().isEmpty()) {
                        System.out.printf(
                                "%s: created %s, moved %d rows out of the default partition, expired %s%n",
                                t.table(), t.created(), t.movedFromDefault(), t.expired());
                        t.errors().forEach(e -> System.out.println("  error: " + e));
                    }
                }
                System.out.printf(
                        "%s (%d ms)%n", report.message(), report.took().toMillis());
                return report.outcome() == MaintenanceReport.Outcome.PARTIAL ? 1 : 0;
            }
        }

        /** The partition function comes with the migrations; a replica cannot (and need not) be migrated. */
        private static void migrateUnlessReplica(DatabaseTarget target) throws SQLException {
            try (var c = target.primaryDataSource().getConnection()) {
                if (Primary.is(c)) {
                    Migrations.apply(target.primaryDataSource());
                }
            }
        }
    }
}
