package dev.classbase.cli;

import dev.classbase.data.Migrations;
import dev.classbase.ops.kernel.Primary;
import dev.classbase.ops.rollups.RollupProperties;
import dev.classbase.ops.rollups.RollupRun;
import dev.classbase.ops.rollups.RollupStatus;
import dev.classbase.ops.rollups.Rollups;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "rollups",
        description =
                "The incremental daily rollups (active users, platform metrics): their watermark, and a run by hand.",
        subcommands = {RollupsCommand.Status.class, RollupsCommand.Run.class})
final class RollupsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'");

    @Command(name = "status", description = "The watermark, the last run, and the events waiting for the next one.")
    static final class Status implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        DataDir dataDir;

        @Override
        public Integer call() throws SQLException {
            try (DatabaseTarget target = DatabaseTarget.open(dataDir.path(), Settings.replicas(null))) {
                RollupStatus s = new Rollups(target.primaryDataSource(), RollupProperties.defaults()).status();
                System.out.printf(
                        "initialized      %s%n",
                        s.initialized() ? "yes" : "no (the first run rebuilds from the raw tables)");
                System.out.printf("watermark        inbox position %,d, as of %s%n", s.lastSeq(), time(s.lastRunAt()));
                System.out.printf(
                        "last run         %s inbox rows, %s (tenant, day) pairs, %s ms%n",
                        s.lastRows() == null ? "-" : s.lastRows(),
                        s.lastPairs() == null ? "-" : s.lastPairs(),
                        s.lastDurationMs() == null ? "-" : s.lastDurationMs());
                System.out.printf("last rebuild     %s%n", time(s.lastFullAt()));
                System.out.printf(
                        "pending          %,d inbox rows%s%n",
                        s.pendingRows(),
                        s.pendingRows() == 0
                                ? ""
                                : " for days " + s.oldestPendingDay() + " .. " + s.newestPendingDay());
                System.out.printf("rollup days      %,d (tenant, day) rows%n", s.rollupDays());
            }
            return 0;
        }
    }

    @Command(
            name = "run",
            description = {
                "Roll up the events that arrived since the last run (late ones for past days included).",
                "Idempotent and safe while the server runs: one run at a time cluster-wide, a second is skipped.",
                "A no-op on a replica. --full rebuilds the rollups from the raw tables."
            })
    static final class Run implements Callable<Integer> {
        @Option(names = "--full", description = "rebuild from the raw tables instead of draining the inbox")
        boolean full;

        @picocli.CommandLine.Mixin
        DataDir dataDir;

        @Override
        public Integer call() throws SQLException {
            try (DatabaseTarget target = DatabaseTarget.open(dataDir.path(), Settings.replicas(null))) {
                Rollups rollups = new Rollups(target.primaryDataSource(), RollupProperties.defaults());
                if (!inRecovery(target)) {
                    Migrations.apply(target.primaryDataSource());
                }
                RollupRun r = rollups.run(full);
                System.out.printf(
                        "rollups: %s: %s (%d ms)%n",
                        r.outcome(), r.detail(), r.took().toMillis());
                return 0;
            }
        }
    }

    private static boolean inRecovery(DatabaseTarget target) throws SQLException {
        try (var c = target.primaryDataSource().getConnection()) {
            return Primary.inRecovery(c);
        }
    }

    private static String time(OffsetDateTime t) {
        return t == null ? "never" : TIME.format(t.atZoneSameInstant(ZoneOffset.UTC));
    }
}
