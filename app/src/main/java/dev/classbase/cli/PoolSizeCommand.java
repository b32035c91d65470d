package dev.classbase.cli;

import dev.classbase.data.pool.PoolInputs;
import dev.classbase.data.pool.PoolPlan;
import dev.classbase.data.pool.PoolSizing;
import dev.classbase.data.pool.RolePools;
import dev.classbase.data.pool.RuleResult;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "pool-size",
        description = {
            "Size the connection pools: every rule (HikariCP, expected load, connection budget, threads) with its"
                    + " value, the chosen "
                    + "maximum and minimum, and the per-role pools.",
            "Exit code 2 on nonsense input (the message names the option)."
        })
final class PoolSizeCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    SizingOptions sizing;

    @Override
    public Integer call() {
        PoolInputs in = sizing.inputs();
        PoolPlan plan = PoolSizing.plan(in);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-17s %-44s %5s  %s%n", "rule", "formula", "value", "why");
        for (RuleResult r : plan.rules()) {
            out.printf("%-17s %-44s %5d  %s%n", r.rule(), r.formula(), r.value(), r.explanation());
        }
        out.printf(
                "chosen: max=%d min=%d (rule: %s, because %s)%n",
                plan.maximumPoolSize(), plan.minimumIdle(), plan.chosenRule(), plan.why());
        RolePools roles = RolePools.of(in, plan);
        for (RolePools.Pool p : new RolePools.Pool[] {roles.primary(), roles.replica(), roles.analytics()}) {
            out.printf(
                    "  %-9s max=%d min=%d statement_timeout=%ds%s%n",
                    p.role(),
                    p.maximumPoolSize(),
                    p.minimumIdle(),
                    p.statementTimeout().toSeconds(),
                    p.role().equals("replica") ? " (per replica)" : "");
        }
        out.flush();
        return 0;
    }

    /** The sizing inputs as options, shared with {@code pgbouncer-config}; unset ones take the defaults. */
    static final class SizingOptions {
        @Option(names = "--cores", description = "CPU cores of the database server (default: this machine's)")
        Integer cores;

        @Option(names = "--instances", description = "application instances sharing the database (default: 1)")
        Integer instances;

        @Option(names = "--max-connections", description = "the server's max_connections (default: 100)")
        Integer maxConnections;

        @Option(
                names = "--reserved",
                description = "connections kept for superusers, monitoring, migrations (default: 10)")
        Integer reserved;

        @Option(names = "--margin", description = "fraction of the rest the app may use, in (0, 1] (default: 0.8)")
        Double margin;

        @Option(names = "--rps", description = "database transactions per second, all instances (default: 200)")
        Double rps;

        @Option(names = "--mean-query-ms", description = "mean time a transaction holds a connection (default: 5)")
        Double meanQueryMs;

        @Option(names = "--spindles", description = "effective spindles: 0 cached, 1 SSD (default: 1)")
        Integer spindles;

        @Option(names = "--workers", description = "processes per instance, for the threads rule (default: 1)")
        Integer workers;

        @Option(names = "--threads", description = "threads per process, for the threads rule (default: 8)")
        Integer threads;

        PoolInputs inputs() {
            return inputs(null);
        }

        /** The inputs, with the server's own max_connections when the option is not given. */
        PoolInputs inputs(Integer serverMaxConnections) {
            PoolInputs d = PoolInputs.defaults();
            int max = maxConnections != null
                    ? maxConnections
                    : serverMaxConnections != null ? serverMaxConnections : d.databaseMaxConnections();
            return new PoolInputs(
                    cores != null ? cores : d.cores(),
                    instances != null ? instances : d.appInstances(),
                    max,
                    reserved != null ? reserved : d.reservedConnections(),
                    margin != null ? margin : d.safetyMargin(),
                    rps != null ? rps : d.requestsPerSecond(),
                    meanQueryMs != null ? meanQueryMs : d.meanQueryMillis(),
                    spindles != null ? spindles : d.effectiveSpindles(),
                    workers != null ? workers : d.workers(),
                    threads != null ? threads : d.threadsPerWorker());
        }
    }
}
