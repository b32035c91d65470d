package dev.classbase.bench;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.cluster.Endpoint;
import dev.classbase.data.DataTier;
import dev.classbase.data.pool.Pools;
import dev.classbase.data.replicas.ReplicaMonitor;
import dev.classbase.data.tenancy.TenantScope;
import dev.classbase.data.watch.QueryWatch;
import dev.classbase.platform.fixtures.Classroom;
import dev.classbase.seed.DataGenerator;
import dev.classbase.seed.DemoAccounts;
import dev.classbase.seed.Scale;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import dev.classbase.web.auth.Caller;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The platform benchmarks, in one run on the shared test cluster (demo district + a
 * classroom of the benchmark's own):
 *
 * <ol>
 *   <li>gradebook, portfolio export and at-risk, each against a per-row-loading implementation of
 *       the same result ({@link PerRowLoading}), same data, same pool, results compared
 *       (goal: at least 10x at 40 students x 60 assignments);
 *   <li>catalog browse over HTTP against pgbench running its SQL at the same concurrency
 *       ({@link CatalogLoad}; goal: at least 50 % of pgbench's throughput).
 * </ol>
 *
 * The server gets one replica only, so the endpoint and pgbench read from the same server.
 * Sizes are system properties: bench.students (40), bench.assignments (60), bench.warmup (100),
 * bench.iterations (60), bench.concurrency (8), bench.seconds (20: each catalog window),
 * bench.catalog.warmup (60 s: C2 was still compiling 40 s into the load), bench.catalog.rounds (3),
 * bench.skip.catalog (false: true runs the three comparisons only), bench.skip.comparisons (false:
 * true runs the catalog only). Run: {@code bench/platform.sh}.
 */
public final class PlatformBenchmark {
    private static final BigDecimal SCORE_BELOW = BigDecimal.valueOf(60);
    private static final int INACTIVE_DAYS = 14;

    public static void main(String[] args) throws Exception {
        // the tables alone on stdout; the cluster's and the server's console logs join stderr (the script's log file)
        java.io.PrintStream tables = System.out;
        System.setOut(System.err);
        int students = Integer.getInteger("bench.students", 40);
        int assignments = Integer.getInteger("bench.assignments", 60);
        int warmup = Integer.getInteger("bench.warmup", 100);
        int iterations = Integer.getInteger("bench.iterations", 60);
        int concurrency = Integer.getInteger("bench.concurrency", 8);
        int seconds = Integer.getInteger("bench.seconds", 20);

        TestCluster cluster = TestCluster.shared();
        DataGenerator generator = new DataGenerator(cluster.primaryDataSource());
        if (generator.isEmpty()) {
            generator.generate(Scale.DEMO, 42, TestApp.AS_OF, DemoAccounts.passwordHash(), null);
        }
        EmbeddedCluster servers = cluster.cluster();
        Map<String, Object> properties = new LinkedHashMap<>(cluster.springProperties());
        properties
                .keySet()
                .removeIf(k -> k.startsWith("classbase.database.replicas[")
                        && !k.startsWith("classbase.database.replicas[0]"));
        Endpoint replica = servers.service(servers.replicas().getFirst());
        try (TestApp app = TestApp.start(properties, Map.of())) {
            awaitRotation(app);
            String replicaName =
                    app.bean(Pools.class).replicas().keySet().iterator().next();
            int poolSize = app.bean(Pools.class).replicas().get(replicaName).getMaximumPoolSize();

            // bench.skip.comparisons=true: the catalog load alone (a quicker run while tuning the HTTP path)
            List<Comparison> comparisons = Boolean.getBoolean("bench.skip.comparisons")
                    ? List.of()
                    : compare(app, BenchClassroom.create(students, assignments), warmup, iterations);
            // bench.skip.catalog=true: the comparisons alone (a quicker run while tuning a service)
            CatalogLoad.Result catalog = Boolean.getBoolean("bench.skip.catalog")
                    ? null
                    : CatalogLoad.run(
                            app,
                            replica,
                            replicaName,
                            concurrency,
                            Integer.getInteger("bench.catalog.warmup", 60),
                            seconds,
                            Integer.getInteger("bench.catalog.rounds", 3));
            tables.println(table(
                    students,
                    assignments,
                    warmup,
                    iterations,
                    comparisons,
                    catalog,
                    replicaName,
                    poolSize,
                    concurrency,
                    seconds));
        }
        System.exit(0); // the cluster's shutdown hook stops the servers
    }

    private static List<Comparison> compare(TestApp app, BenchClassroom data, int warmup, int iterations)
            throws Exception {
        Classroom c = data.classroom();
        long tenant = c.tenantId();
        Caller teacher = c.teacher();
        QueryWatch watch = app.bean(QueryWatch.class);
        JsonMapper json = app.bean(JsonMapper.class);
        ServiceCalls services = new ServiceCalls(app);
        PerRowLoading rows = new PerRowLoading(app.bean(JdbcClient.class));
        TransactionTemplate readOnly = new TransactionTemplate(app.bean(PlatformTransactionManager.class));
        readOnly.setReadOnly(true);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Instant asOf = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(); // as AtRiskService reads a day

        return List.of(
                Comparison.run(
                        "gradebook (one section)",
                        watch,
                        warmup,
                        iterations,
                        bound(tenant, () -> services.gradebook(teacher, c.sectionId())),
                        book -> Digests.gradebook(json.valueToTree(book)),
                        bound(tenant, () -> readOnly.execute(s -> rows.gradebook(tenant, c.sectionId())))),
                Comparison.run(
                        "portfolio export (" + assignments(c) + " entries)",
                        watch,
                        warmup,
                        iterations,
                        bound(tenant, () -> services.portfolio(teacher, data.portfolioId())),
                        doc -> Digests.portfolio(json.readTree(doc)),
                        bound(tenant, () -> readOnly.execute(s -> rows.portfolio(tenant, data.portfolioId())))),
                Comparison.run(
                        "at-risk (one course)",
                        watch,
                        warmup,
                        iterations,
                        bound(tenant, () -> services.atRisk(teacher, c.courseId(), today, SCORE_BELOW, INACTIVE_DAYS)),
                        Digests::atRisk,
                        bound(
                                tenant,
                                () -> readOnly.execute(
                                        s -> rows.atRisk(tenant, c.courseId(), asOf, SCORE_BELOW, INACTIVE_DAYS)))));
    }

    private static int assignments(Classroom c) {
        return c.assignmentIds().size();
    }

    /** Binds the tenant for row-level security around the work, as the authentication filter does. */
    private static <T> Callable<T> bound(long tenant, Callable<T> work) {
        return () -> {
            try (TenantScope binding = DataTier.bindTenant(tenant)) {
                return work.call();
            }
        };
    }

    /** Reads go to the primary until the monitor has seen the replica healthy a few times. */
    static void awaitRotation(TestApp app) throws InterruptedException {
        ReplicaMonitor monitor = app.bean(ReplicaMonitor.class);
        if (Await.until(
                        Duration.ofSeconds(30),
                        () -> !monitor.statuses().isEmpty()
                                        && monitor.statuses().stream().allMatch(ReplicaMonitor.Status::inRotation)
                                ? Boolean.TRUE
                                : null)
                == null) {
            throw new IllegalStateException("the replica did not join the rotation: " + monitor.statuses());
        }
    }

    private static String table(
            int students,
            int assignments,
            int warmup,
            int iterations,
            List<Comparison> comparisons,
            CatalogLoad.Result catalog,
            String replica,
            int poolSize,
            int concurrency,
            int seconds) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                "%n%d students x %d assignments; %d runs after %d warm-up, alternating; ms median / p95;"
                        + " same pool, same data, results compared%n%n",
                students, assignments, iterations, warmup));
        out.append("| workload | service | per-row baseline | speed-up (median) | statements service / per-row |\n");
        out.append("|---|---|---|---|---|\n");
        for (Comparison c : comparisons) {
            out.append(String.format(
                    "| %s | %.2f / %.2f | %.1f / %.1f | %.1fx %s | %d / %d |%n",
                    c.name(),
                    c.service().medianMs(),
                    c.service().p95Ms(),
                    c.perRow().medianMs(),
                    c.perRow().p95Ms(),
                    c.speedUp(),
                    c.speedUp() >= 10 ? "(goal 10x: met)" : "(goal 10x: MISSED)",
                    c.service().statements(),
                    c.perRow().statements()));
        }
        if (catalog == null) {
            return out.append("\nCatalog browse: skipped (bench.skip.catalog)\n")
                    .toString();
        }
        out.append(String.format(
                "%nCatalog browse at concurrency %d, %d rounds of %d s each for the endpoint then pgbench"
                        + " (after a warm-up each), both on %s (app pool max %d); HTTP load from %s, the"
                        + " database's from pgbench; the round with the median ratio%n%n",
                concurrency, catalog.rounds().size(), seconds, replica, poolSize, catalog.client()));
        out.append("| measurement | throughput | latency p50 / p99 |\n|---|---|---|\n");
        out.append(String.format(
                "| GET /api/v1/courses?category=%s as %s (%d courses, %d statements per request,"
                        + " %.1f %% read on %s) | %,.0f req/s | %.2f / %.2f ms |%n",
                catalog.target().category(),
                catalog.target().email(),
                catalog.courses(),
                catalog.statementsPerRequest(),
                100 * catalog.onReplica(),
                replica,
                catalog.requestsPerSecond(),
                catalog.p50Ms(),
                catalog.p99Ms()));
        if (catalog.pgbenchTps().isPresent()) {
            double tps = catalog.pgbenchTps().get();
            double ratio = catalog.requestsPerSecond() / tps;
            out.append(String.format(
                    "| pgbench -M prepared: BEGIN READ ONLY, tenant binding, BROWSE_CATEGORY, COMMIT | %,.0f tps | |%n",
                    tps));
            out.append(String.format(
                    "| endpoint / pgbench | %.0f %% %s | |%n",
                    100 * ratio, ratio >= 0.5 ? "(goal 50 %: met)" : "(goal 50 %: MISSED)"));
        } else {
            out.append("| pgbench | skipped: ").append(catalog.pgbench()).append(" | |\n");
        }
        out.append(String.format(
                "%nRounds (endpoint req/s, pgbench tps, ratio); warm-up %,.0f req/s:", catalog.warmupPerSecond()));
        for (CatalogLoad.Round r : catalog.rounds()) {
            out.append(String.format(
                    " %,.0f / %s = %.0f %%;",
                    r.load().perSecond(),
                    r.pgbenchTps().map(t -> String.format("%,.0f", t)).orElse("-"),
                    100 * r.ratio()));
        }
        out.append(String.format(
                "%n%nThe replica's CPU per request (endpoint) and per transaction (pgbench), and pgbench's"
                        + " over the endpoint's: the share of the database's throughput for this read the"
                        + " endpoint would reach with CPU of its own:"));
        for (CatalogLoad.Round r : catalog.rounds()) {
            out.append(String.format(
                    " %s / %s µs = %s;",
                    r.endpointDatabaseMicros()
                            .map(m -> String.format("%.0f", m))
                            .orElse("-"),
                    r.pgbenchDatabaseMicros().map(m -> String.format("%.0f", m)).orElse("-"),
                    r.databaseRatio()
                            .map(x -> String.format("%.0f %%", 100 * x))
                            .orElse("-")));
        }
        return out.append('\n').toString();
    }

    private PlatformBenchmark() {}
}
