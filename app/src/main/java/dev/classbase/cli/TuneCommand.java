package dev.classbase.cli;

import dev.classbase.cluster.ClusterConfig;
import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.ops.tune.Recommendation;
import dev.classbase.ops.tune.SettingsQueries;
import dev.classbase.ops.tune.ThisMachine;
import dev.classbase.ops.tune.Tuning;
import dev.classbase.ops.tune.TuningConf;
import dev.classbase.ops.tune.TuningInputs;
import dev.classbase.ops.tune.Units;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "tune",
        description = {
            "Recommend postgresql.conf settings for a machine (memory, cores, SSD or HDD, max_connections): "
                    + "prints a snippet with the rule and source of every line.",
            "With --current, also shows the server's current values beside the recommendations.",
            "Exit code 2 on bad input (the message lists the valid values), 3 when --current finds no running "
                    + "embedded cluster."
        })
final class TuneCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--ram", description = "memory of the database server, e.g. 8GB (default: this machine's)")
    String ram;

    @Option(names = "--cores", description = "CPU cores of the database server (default: this machine's)")
    Integer cores;

    @Option(names = "--storage", description = "ssd or hdd (default: ssd)")
    String storage = "ssd";

    @Option(
            names = "--max-connections",
            description = "max_connections (default: the server's with --current, else 100)")
    Integer maxConnections;

    @Option(names = "--workload", description = "web or mixed (default: web)")
    String workload = "web";

    @Option(names = "--current", description = "connect and show the current values beside the recommendations")
    boolean current;

    @picocli.CommandLine.Mixin
    DataDir dataDir;

    @Override
    public Integer call() throws SQLException {
        PrintWriter out = spec.commandLine().getOut();
        // validate every option before connecting: bad input is exit 2 even with --current
        TuningInputs.Storage disk = TuningInputs.Storage.parse(storage);
        TuningInputs.Workload load = TuningInputs.Workload.parse(workload);
        long ramBytes = ram != null ? Units.parseSize("--ram", ram) : ThisMachine.ramBytes();
        int coreCount = cores != null ? cores : ThisMachine.cores();
        TuningInputs given =
                new TuningInputs(ramBytes, coreCount, disk, maxConnections != null ? maxConnections : 100, load);
        if (!current) {
            out.print(TuningConf.render(given));
            out.flush();
            return 0;
        }
        Optional<DatabaseTarget> opened = open();
        if (opened.isEmpty()) {
            spec.commandLine()
                    .getErr()
                    .println("classbase: embedded cluster in " + DatabaseTarget.dataDir(dataDir.path())
                            + " is not running (start it with ./classbase serve, or set CLASSBASE_DATABASE_URL)");
            return 3;
        }
        try (DatabaseTarget target = opened.get()) {
            Map<String, SettingsQueries.Current> now =
                    SettingsQueries.current(target.primaryDataSource(), TuningConf.names(given));
            int max = maxConnections != null
                    ? maxConnections
                    : Optional.ofNullable(now.get("max_connections"))
                            .map(c -> Integer.parseInt(c.setting()))
                            .orElse(100);
            TuningInputs in = new TuningInputs(ramBytes, coreCount, disk, max, load);
            out.print(TuningConf.render(in));
            out.println();
            out.println("# current settings on " + target.primary().hosts() + " beside the recommendations:");
            out.printf("#   %-38s %-12s %s%n", "setting", "current", "recommended");
            for (Recommendation r : Tuning.recommend(in)) {
                SettingsQueries.Current c = now.get(r.name());
                String shown = c == null ? "-" : c.value();
                String verdict = c == null
                        ? "not on this server"
                        : Units.same(c.value(), r.value()) ? "ok" : c.needsRestart() ? "differs (restart)" : "differs";
                out.printf("#   %-38s %-12s %-12s %s%n", r.name(), shown, r.value(), verdict);
            }
            out.flush();
        }
        return 0;
    }

    private Optional<DatabaseTarget> open() {
        if (DatabaseTarget.external()) {
            return Optional.of(DatabaseTarget.open(null, 0));
        }
        Path dir = DatabaseTarget.dataDir(dataDir.path()).toAbsolutePath().normalize();
        return EmbeddedCluster.attachIfRunning(ClusterConfig.of(dir, 0)).map(DatabaseTarget::embedded);
    }
}
