package dev.classbase.cli;

import dev.classbase.data.Migrations;
import dev.classbase.platform.counters.CounterDrift;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "counters",
        description = "The counter caches (courses.enrollments_count and seven more), kept by triggers: "
                + "check proves them against the real counts.",
        subcommands = {CountersCommand.Check.class})
final class CountersCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(
            name = "check",
            description = "Report, per counter, the parents whose cached count differs from the real one. "
                    + "Exit code 1 when any differs (and --repair was not given).")
    static final class Check implements Callable<Integer> {
        @Option(names = "--repair", description = "set every drifted counter to the real count")
        boolean repair;

        @Option(
                names = "--batch",
                defaultValue = "1000",
                description = "parents per repair transaction (default: ${DEFAULT-VALUE})")
        int batch;

        @picocli.CommandLine.Mixin
        DataDir dataDir;

        @Override
        public Integer call() {
            if (batch < 1 || batch > 100_000) {
                throw new IllegalArgumentException("--batch must be between 1 and 100000, was " + batch);
            }
            try (DatabaseTarget target = DatabaseTarget.open(dataDir.path(), Settings.replicas(null))) {
                Migrations.apply(target.primaryDataSource());
                CounterDrift drift = new CounterDrift(target.primaryDataSource());
                List<CounterDrift.Drift> before = drift.check();
                print(before);
                boolean drifted = before.stream().anyMatch(d -> !d.exact());
                if (!drifted) {
                    System.out.println("every counter is exact");
                    return 0;
                }
                if (!repair) {
                    System.out.println("counters drifted; run with --repair to fix them");
                    return 1;
                }
                for (CounterDrift.Drift d : before) {
                    if (!d.exact()) {
                        long fixed = drift.repair(d.counter(), batch);
                        System.out.printf(
                                "repaired %s: %d parents%n", d.counter().name(), fixed);
                    }
                }
                List<CounterDrift.Drift> after = drift.check();
                boolean still = after.stream().anyMatch(d -> !d.exact());
                System.out.println(
                        still
                                ? "counters still drift (writes during the repair?); run again"
                                : "every counter is exact");
                return still ? 1 : 0;
            }
        }

        private static void print(List<CounterDrift.Drift> drifts) {
            System.out.printf("%-40s %10s %10s %10s%n", "counter", "parents", "drifted", "off by");
            for (CounterDrift.Drift d : drifts) {
                System.out.printf("%-40s %10d %10d %10d%n", d.counter().name(), d.parents(), d.drifted(), d.offBy());
            }
        }
    }
}
