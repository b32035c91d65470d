package dev.classbase.cli;

import dev.classbase.data.Migrations;
import dev.classbase.ops.kernel.Primary;
import dev.classbase.ops.views.RefreshResult;
import dev.classbase.ops.views.ViewProperties;
import dev.classbase.ops.views.ViewRefresher;
import dev.classbase.ops.views.ViewStatus;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "views",
        description = "The materialized views behind the dashboards: their state, and refreshing them by hand.",
        subcommands = {ViewsCommand.Status.class, ViewsCommand.Refresh.class})
final class ViewsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'");

    @Command(
            name = "status",
            description = "Per view: populated, estimated rows, size, last refresh, staleness (age of its data).")
    static final class Status implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        DataDir dataDir;

        @Override
        public Integer call() throws SQLException {
            try (DatabaseTarget target = DatabaseTarget.open(dataDir.path(), Settings.replicas(null))) {
                ViewRefresher refresher =
                        new ViewRefresher(target.primaryDataSource(), ViewProperties.defaults(), Clock.systemUTC());
                System.out.printf(
                        "%-27s %-9s %12s %10s %-21s %-10s %s%n",
                        "view", "populated", "rows (est.)", "size", "last refresh", "staleness", "interval");
                for (ViewStatus v : refresher.status()) {
                    System.out.printf(
                            "%-27s %-9s %12s %10s %-21s %-10s %s%s%n",
                            v.name(),
                            v.populated() ? "yes" : "no",
                            String.format("~%,d", v.estimatedRows()),
                            size(v.bytes()),
                            v.lastRefresh() == null
                                    ? "never"
                                    : TIME.format(v.lastRefresh().atZoneSameInstant(ZoneOffset.UTC)),
                            v.staleness() == null ? "-" : age(v.staleness()),
                            age(v.interval()),
                            "failed".equals(v.lastOutcome()) ? "  last attempt failed: " + v.lastError() : "");
                }
            }
            return 0;
        }
    }

    @Command(
            name = "refresh",
            description = {
                "Refresh one view, or all in dependency order: concurrently (readers are never blocked),",
                "plainly the first time. Idempotent and safe while the server runs: a view being refreshed",
                "elsewhere is skipped (or waited for, with --wait), never refreshed twice at once.",
                "A no-op on a replica. Exit code 1 when a refresh failed."
            })
    static final class Refresh implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "name", description = "a view (mv_ prefix optional); all when omitted")
        String name;

        @Option(names = "--wait", description = "wait for a running refresh of the same view, then refresh")
        boolean waitForRunning;

        @picocli.CommandLine.Mixin
        DataDir dataDir;

        @Override
        public Integer call() throws SQLException {
            try (DatabaseTarget target = DatabaseTarget.open(dataDir.path(), Settings.replicas(null))) {
                ViewRefresher refresher =
                        new ViewRefresher(target.primaryDataSource(), ViewProperties.defaults(), Clock.systemUTC());
                if (name != null && refresher.registry().find(name).isEmpty()) {
                    throw new IllegalArgumentException("no materialized view '" + name + "'; known: "
                            + String.join(", ", refresher.registry().names()));
                }
                if (!inRecovery(target)) {
                    Migrations.apply(target.primaryDataSource());
                }
                boolean failed = false;
                for (RefreshResult r : refresher.refresh(name == null ? List.of() : List.of(name), waitForRunning)) {
                    System.out.printf(
                            "%s: %s: %s (%d ms)%n",
                            r.view(),
                            r.outcome().name().toLowerCase(java.util.Locale.ROOT),
                            r.detail(),
                            r.took().toMillis());
                    failed |= r.outcome() == RefreshResult.Outcome.FAILED;
                }
                return failed ? 1 : 0;
            }
        }

        private static boolean inRecovery(DatabaseTarget target) throws SQLException {
            try (var c = target.primaryDataSource().getConnection()) {
                return Primary.inRecovery(c);
            }
        }
    }

    private static String size(long bytes) {
        return bytes >= 1 << 20 ? String.format("%.1f MB", bytes / 1048576.0) : String.format("%d kB", bytes / 1024);
    }

    private static String age(Duration d) {
        long s = d.toSeconds();
        return s >= 3600
                ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
