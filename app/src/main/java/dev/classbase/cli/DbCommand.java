package dev.classbase.cli;

import dev.classbase.cluster.ClusterConfig;
import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.cluster.Endpoint;
import dev.classbase.data.Migrations;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The embedded cluster's servers on their own, outside any server process, so several {@code serve}
 * instances (in external mode, through PgBouncer) share them: {@code db start}, {@code db stop},
 * {@code db status}.
 */
@Command(
        name = "db",
        description = "Run the embedded PostgreSQL primary and replicas on their own: start, stop, status.",
        subcommands = {DbCommand.Start.class, DbCommand.Stop.class, DbCommand.Status.class})
final class DbCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(
            name = "start",
            description = {
                "Start the primary and replicas in sessions of their own (they outlive this command), migrate the "
                        + "schema and, on first start, seed the demo district. Running servers are kept; missing "
                        + "ones are started. Prints the servers.",
                "Every other command (serve, status, seed, ...) attaches to them; db stop stops them."
            })
    static final class Start implements Callable<Integer> {
        @Option(names = "--replicas", description = "streaming replicas, 0 to 3 (default: $CLASSBASE_REPLICAS or 1)")
        Integer replicas;

        @Mixin
        DataDir dataDir;

        @Option(names = "--no-seed", description = "do not seed the demo district into an empty cluster")
        boolean noSeed;

        @Override
        public Integer call() {
            if (DatabaseTarget.external()) {
                throw new IllegalArgumentException("db start runs the embedded cluster; unset CLASSBASE_DATABASE_URL");
            }
            Path dir = DatabaseTarget.dataDir(dataDir.path()).toAbsolutePath().normalize();
            ClusterConfig config = ClusterConfig.of(dir, Settings.replicas(replicas));
            try (EmbeddedCluster cluster = EmbeddedCluster.startDetached(config);
                    DatabaseTarget target = DatabaseTarget.embedded(cluster)) {
                Migrations.apply(target.primaryDataSource());
                if (!noSeed) {
                    Seeding.seedDemoIfEmpty(target);
                }
                print(cluster);
            }
            return 0;
        }
    }

    @Command(name = "stop", description = "Stop the servers db start started (fast shutdown). Exit 3 when none ran.")
    static final class Stop implements Callable<Integer> {
        @Mixin
        DataDir dataDir;

        @Override
        public Integer call() {
            Path dir = DatabaseTarget.dataDir(dataDir.path()).toAbsolutePath().normalize();
            boolean any = EmbeddedCluster.stopDetached(ClusterConfig.of(dir, replicasIn(dir)));
            System.out.println("embedded cluster in " + dir + (any ? ": stopped" : ": not running"));
            return any ? 0 : 3;
        }
    }

    @Command(
            name = "status",
            description = {
                "The servers of the embedded cluster: running or not, pid, URL (no password). Exit 3 when stopped.",
                "--env prints shell KEY=value lines with the superuser's and the roles' passwords instead (keep "
                        + "them private): PRIMARY_URL, REPLICA_URLS, CLASSBASE_APP_USER, CLASSBASE_APP_PASSWORD, ..."
            })
    static final class Status implements Callable<Integer> {
        @Mixin
        DataDir dataDir;

        @Option(names = "--env", description = "shell KEY=value lines, with passwords, for scripts")
        boolean env;

        @Override
        public Integer call() {
            Path dir = DatabaseTarget.dataDir(dataDir.path()).toAbsolutePath().normalize();
            Optional<EmbeddedCluster> running = EmbeddedCluster.attachIfRunning(ClusterConfig.of(dir, replicasIn(dir)));
            if (running.isEmpty()) {
                System.out.println("embedded cluster in " + dir + ": not running (start it with ./classbase db start)");
                return 3;
            }
            try (EmbeddedCluster cluster = running.get()) {
                if (env) {
                    printEnv(cluster);
                } else {
                    print(cluster);
                }
            }
            return 0;
        }
    }

    static void print(EmbeddedCluster cluster) {
        Map<String, Long> pids = cluster.runningPids();
        System.out.println("embedded cluster in " + cluster.dir()
                + (cluster.detached()
                        ? " (servers on their own: ./classbase db stop)"
                        : " (run by a classbase process)"));
        List<Endpoint> all = new ArrayList<>();
        all.add(cluster.primary());
        all.addAll(cluster.replicas());
        for (Endpoint e : all) {
            Long pid = pids.get(e.name());
            System.out.printf(
                    "  %-9s %-8s %-8s %s%n",
                    e.name(), pid != null ? "running" : "down", pid != null ? "pid " + pid : "", url(e, false));
        }
    }

    private static void printEnv(EmbeddedCluster cluster) {
        Map<String, Long> pids = cluster.runningPids();
        Endpoint primary = cluster.primary();
        List<String> replicaUrls = new ArrayList<>();
        List<String> replicaPids = new ArrayList<>();
        for (Endpoint r : cluster.replicas()) {
            replicaUrls.add(url(cluster.superuser(r), true));
            replicaPids.add(String.valueOf(pids.getOrDefault(r.name(), 0L)));
        }
        System.out.println("DATA_DIR=" + cluster.dir());
        System.out.println("PRIMARY_URL=" + url(cluster.superuser(primary), true));
        System.out.println("REPLICA_URLS=" + String.join(",", replicaUrls));
        System.out.println("PRIMARY_PORT=" + primary.port());
        System.out.println("REPLICA_PORTS="
                + String.join(
                        ",",
                        cluster.replicas().stream()
                                .map(r -> String.valueOf(r.port()))
                                .toList()));
        System.out.println("PRIMARY_PID=" + pids.getOrDefault(primary.name(), 0L));
        System.out.println("REPLICA_PIDS=" + String.join(",", replicaPids));
        System.out.println("CLASSBASE_OWNER_USER=" + primary.user());
        System.out.println("CLASSBASE_OWNER_PASSWORD=" + primary.password());
        Endpoint service = cluster.service(primary);
        System.out.println("CLASSBASE_APP_USER=" + service.user());
        System.out.println("CLASSBASE_APP_PASSWORD=" + service.password());
    }

    /** A postgresql:// URL (the form CLASSBASE_DATABASE_URL takes); generated passwords are URL-safe. */
    private static String url(Endpoint e, boolean withPassword) {
        return "postgresql://" + e.user() + (withPassword ? ":" + e.password() : "") + "@" + e.host() + ":" + e.port()
                + "/" + e.database();
    }

    /** How many replica folders the cluster has (replica1, replica2, ...). */
    static int replicasIn(Path dir) {
        int n = 0;
        while (n < ClusterConfig.MAX_REPLICAS
                && dir.resolve("replica" + (n + 1)).toFile().isDirectory()) {
            n++;
        }
        return n;
    }
}
