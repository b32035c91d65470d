package dev.classbase.cli;

import dev.classbase.ClassbaseApplication;
import dev.classbase.data.Migrations;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "serve",
        description = {
            "Start the server. With no database configured it starts an embedded PostgreSQL primary and streaming "
                    + "replica under ./var/cluster and seeds a demo district on first start.",
            "Environment: CLASSBASE_PORT, CLASSBASE_DATA_DIR, CLASSBASE_REPLICAS, CLASSBASE_DATABASE_URL, "
                    + "CLASSBASE_REPLICA_URLS, CLASSBASE_REDIS_URL."
        })
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--port", description = "HTTP port (default: $CLASSBASE_PORT or 8080)")
    Integer port;

    @Option(
            names = "--replicas",
            description = "streaming replicas of the embedded cluster, 0 to 3 (default: " + "$CLASSBASE_REPLICAS or 1)")
    Integer replicas;

    @picocli.CommandLine.Mixin
    DataDir dataDir;

    @Option(names = "--no-seed", description = "do not seed the demo district into an empty embedded cluster")
    boolean noSeed;

    @Override
    public Integer call() {
        int replicaCount = Settings.replicas(replicas);
        int httpPort = Settings.httpPort(port);
        if (!Settings.portFree(httpPort)) {
            System.err.println("classbase: port " + httpPort + " is already in use. Stop what listens there, or "
                    + "choose another port: ./classbase serve --port 8081 (or CLASSBASE_PORT=8081).");
            return 1;
        }
        long started = System.nanoTime();
        try (DatabaseTarget target = DatabaseTarget.open(dataDir.path(), replicaCount)) {
            Migrations.apply(target.primaryDataSource());
            boolean seeded = target.embeddedMode() && !noSeed && Seeding.seedDemoIfEmpty(target);
            if (target.serviceRoleMissing()) {
                System.err.println(
                        "classbase: WARNING: no CLASSBASE_APP_USER; the server connects as the schema owner, "
                                + "which bypasses row-level security. Create the classbase_app role (docs/DATABASE_SCALING.md).");
            }
            ConfigurableApplicationContext context = new SpringApplicationBuilder(ClassbaseApplication.class)
                    .run(arguments(springProperties(target, httpPort)));
            CountDownLatch closed = new CountDownLatch(1);
            context.addApplicationListener(event -> {
                if (event instanceof ContextClosedEvent) {
                    closed.countDown();
                }
            });
            System.out.printf(
                    "classbase is up in %.1f s: http://localhost:%d  (health: /actuator/health)%n",
                    (System.nanoTime() - started) / 1e9, httpPort);
            if (seeded) {
                // after Spring's start-up log, so the accounts are the last thing on screen
                Seeding.printSignInHint(target.primaryDataSource());
            }
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** As command-line arguments: they outrank application.yaml (Boot's property order). */
    private static String[] arguments(Map<String, Object> props) {
        return props.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
    }

    static Map<String, Object> springProperties(DatabaseTarget target, int httpPort) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("server.port", httpPort);
        props.put("classbase.embedded", target.embeddedMode());
        String redis = System.getenv("CLASSBASE_REDIS_URL");
        if (redis != null && !redis.isBlank()) {
            props.put("classbase.cache.redis-url", redis.trim()); // L2 cache and invalidation bus
        }
        // the pools log in as the service role (owns nothing, so row-level security applies); the
        // owner only migrates and seeds, before the server starts
        put(props, "classbase.database.primary", target.asService(target.primary()));
        for (int i = 0; i < target.replicas().size(); i++) {
            put(
                    props,
                    "classbase.database.replicas[" + i + "]",
                    target.asService(target.replicas().get(i)));
        }
        return props;
    }

    private static void put(Map<String, Object> props, String prefix, DatabaseTarget.Server server) {
        props.put(prefix + ".name", server.name());
        props.put(prefix + ".url", server.url());
        if (server.user() != null) {
            props.put(prefix + ".username", server.user());
        }
        if (server.password() != null) {
            props.put(prefix + ".password", server.password());
        }
    }
}
