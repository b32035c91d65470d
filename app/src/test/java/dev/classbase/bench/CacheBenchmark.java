package dev.classbase.bench;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.cluster.Endpoint;
import dev.classbase.data.pool.Pools;
import dev.classbase.seed.DataGenerator;
import dev.classbase.seed.DemoAccounts;
import dev.classbase.seed.Scale;
import dev.classbase.testsupport.RedisProcess;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import tools.jackson.databind.JsonNode;

/**
 * The two-level cache's benchmarks, in one run on the shared test cluster (demo district) with a
 * Redis of its own and three servers on one replica: two with the cache's regions on (L1, L2 and
 * the invalidation bus on Redis) and one with them off, the same settings otherwise (its signed-in
 * tokens are cached like the others').
 *
 * <ol>
 *   <li>catalog browse and course detail at the same concurrency: regions on (warm), regions off,
 *       and pgbench running the uncached server's transaction on its replica ({@link CacheComparison});
 *   <li>reads on both cached servers while an admin changes course titles at a fixed rate: each
 *       region's hit rate, and the delay until the other server answers the new title
 *       ({@link CacheUnderWrites}).
 * </ol>
 *
 * Sizes are system properties: bench.concurrency (8), bench.seconds (5: each window of part 1),
 * bench.rounds (3: the round with the median ratio is reported), bench.warmup (15 s per server at
 * least, 60 at most, before both parts), bench.mixed.seconds (30), bench.writes.per.second (5). Run:
 * {@code bench/cache.sh}. Needs wrk and redis-server; pgbench is optional.
 */
public final class CacheBenchmark {
    private static final List<String> REGIONS = List.of("user", "catalog", "analytics", "static");
    private static final int WARM_WINDOW = 5;
    private static final int JIT_QUIET_PERCENT = 2;

    public static void main(String[] args) throws Exception {
        PrintStream tables = System.out;
        System.setOut(System.err); // the servers' console logs go to the script's log file
        long began = System.nanoTime();
        int concurrency = Integer.getInteger("bench.concurrency", 8);
        int seconds = Integer.getInteger("bench.seconds", 5);
        int warmup = Integer.getInteger("bench.warmup", 15);
        int rounds = Integer.getInteger("bench.rounds", 3);
        int mixedSeconds = Integer.getInteger("bench.mixed.seconds", 30);
        double writesPerSecond = Double.parseDouble(System.getProperty("bench.writes.per.second", "5"));
        Wrk wrk = Wrk.find().orElseThrow(() -> new IllegalStateException(Wrk.INSTALL_HINT));
        Optional<Pgbench> pgbench = Pgbench.find();

        TestCluster cluster = TestCluster.shared();
        DataGenerator generator = new DataGenerator(cluster.primaryDataSource());
        if (generator.isEmpty()) {
            generator.generate(Scale.DEMO, 42, TestApp.AS_OF, DemoAccounts.passwordHash(), null);
        }
        EmbeddedCluster servers = cluster.cluster();
        // one replica: the uncached server and pgbench read the same PostgreSQL
        Map<String, Object> properties = new LinkedHashMap<>(cluster.springProperties());
        properties
                .keySet()
                .removeIf(k -> k.startsWith("classbase.database.replicas[")
                        && !k.startsWith("classbase.database.replicas[0]"));
        Endpoint replica = servers.service(servers.replicas().getFirst());

        try (RedisProcess redis = RedisProcess.start();
                TestApp cached = TestApp.start(properties, regions(redis, true));
                TestApp other = TestApp.start(properties, regions(redis, true));
                TestApp uncached = TestApp.start(properties, regions(redis, false))) {
            for (TestApp app : List.of(cached, other, uncached)) {
                PlatformBenchmark.awaitRotation(app);
            }
            String replicaName =
                    uncached.bean(Pools.class).replicas().keySet().iterator().next();
            CatalogLoad.Target target = CatalogLoad.target();
            String domain = target.email().substring(target.email().indexOf('@') + 1);
            String student = cached.signIn(target.email());
            String page = "/api/v1/courses?category=" + URLEncoder.encode(target.category(), StandardCharsets.UTF_8);
            List<Long> pageIds = new ArrayList<>();
            TestApp.json(uncached.get(page, student))
                    .path("items")
                    .forEach(i -> pageIds.add(i.path("id").asLong()));
            long course = pageIds.getFirst();
            CatalogLoad.checkSameRows(replica, target, CatalogLoad.browseCategorySql(), pageIds);
            checkSameCourse(
                    replica, target.tenant(), course, TestApp.json(uncached.get("/api/v1/courses/" + course, student)));

            // the first page of the whole catalog and its courses: what the readers under writes ask
            String first = "/api/v1/courses";
            List<Long> firstIds = new ArrayList<>();
            TestApp.json(uncached.get(first, student))
                    .path("items")
                    .forEach(i -> firstIds.add(i.path("id").asLong()));
            List<String> read = new ArrayList<>();
            read.add(first);
            firstIds.forEach(id -> read.add("/api/v1/courses/" + id));

            // one warm-up for both parts, every path on each server (they share the JVM, so the JIT's
            // work on the common code serves all three): under load C2 is still busy for tens of seconds
            List<String> warm = new ArrayList<>(read);
            warm.add(page);
            pageIds.forEach(id -> warm.add("/api/v1/courses/" + id));
            List<List<double[]>> warmedUp = warmUp(wrk, warm, student, concurrency, warmup, cached, uncached);

            CacheComparison comparison = new CacheComparison(cached, uncached, replica, replicaName, wrk, pgbench);
            List<CacheComparison.Result> endpoints = comparison.run(
                    List.of(
                            new CacheComparison.Target(
                                    "catalog browse",
                                    page,
                                    CatalogLoad.browseCategorySql(),
                                    Map.of(
                                            "tenant", Long.toString(target.tenant()),
                                            "category", target.category(),
                                            // pgbench refuses an empty -D value; checkSameRows proved " " selects the
                                            // same page
                                            "afterTitle", " ",
                                            "afterId", "0",
                                            "limit", Integer.toString(CatalogLoad.LIMIT))),
                            new CacheComparison.Target(
                                    "course detail",
                                    "/api/v1/courses/" + course,
                                    CatalogLoad.catalogSql("COURSE"),
                                    Map.of("tenant", Long.toString(target.tenant()), "id", Long.toString(course)))),
                    student,
                    concurrency,
                    seconds,
                    rounds);

            // the writes change five of the first page's courses; the readers read the page and all of them
            Map<Long, String> titles = new LinkedHashMap<>();
            for (long id : firstIds.subList(0, Math.min(5, firstIds.size()))) {
                titles.put(
                        id,
                        TestApp.json(uncached.get("/api/v1/courses/" + id, student))
                                .path("title")
                                .asString());
            }
            String operator = cached.signInOperator(); // the operators table is the cluster's: both servers know it
            CacheUnderWrites.Result mixed = new CacheUnderWrites()
                    .run(
                            cached,
                            other,
                            read,
                            titles,
                            student,
                            cached.signIn("admin@" + domain),
                            other.signIn("student2@" + domain),
                            operator,
                            wrk,
                            concurrency,
                            mixedSeconds,
                            writesPerSecond);

            tables.println(CacheReport.of(
                    target,
                    replicaName,
                    concurrency,
                    seconds,
                    warmup,
                    rounds,
                    endpoints,
                    mixed,
                    mixedSeconds,
                    warmedUp,
                    (System.nanoTime() - began) / 1e9));
        }
        System.exit(0); // the cluster's shutdown hook stops the servers
    }

    /**
     * wrk asking the paths in turn, on each server in turn, in windows of {@value #WARM_WINDOW} s: at
     * least {@code seconds}, then until the JIT compiler spent less than {@value #JIT_QUIET_PERCENT} %
     * of a window compiling (it is done with what the load needs), at most four times {@code
     * seconds}. Three servers' start leaves the compiler a long queue, and on a busy machine it gets
     * little of the CPU: after a fixed warm-up the first rounds still measured partly interpreted code.
     * Returns each server's windows: req/s and the compiler's ms.
     */
    private static List<List<double[]>> warmUp(
            Wrk wrk, List<String> paths, String token, int concurrency, int seconds, TestApp... apps) throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        Path script = Files.createTempFile("classbase-wrk-", ".lua");
        List<List<double[]>> windows = new ArrayList<>();
        try {
            Files.writeString(script, CacheUnderWrites.readerScript(paths), StandardCharsets.UTF_8);
            int threads = Math.max(1, Math.min(concurrency, Runtime.getRuntime().availableProcessors()));
            for (TestApp app : apps) {
                List<double[]> rates = new ArrayList<>();
                int spent = 0;
                while (spent < 4 * seconds) {
                    long compiling = jit.getTotalCompilationTime();
                    Wrk.Output out = wrk.run(
                            script, URI.create(app.url(paths.getFirst())), token, threads, concurrency, WARM_WINDOW);
                    long compiled = jit.getTotalCompilationTime() - compiling;
                    long[] counted = Wrk.statusCounts(out);
                    if (counted[1] > 0) {
                        throw new IllegalStateException(counted[1] + " of " + counted[0] + " warm-up requests failed");
                    }
                    rates.add(new double[] {out.requestsPerSecond(), compiled});
                    spent += WARM_WINDOW;
                    if (spent >= seconds && compiled * 100 < JIT_QUIET_PERCENT * WARM_WINDOW * 1000L) {
                        break;
                    }
                }
                windows.add(rates);
            }
        } finally {
            Files.deleteIfExists(script);
        }
        return windows;
    }

    /** The four regions on or off; Redis for L2, the bus and the signed-in tokens either way. */
    private static Map<String, Object> regions(RedisProcess redis, boolean on) {
        Map<String, Object> overrides = new LinkedHashMap<>();
        for (String region : REGIONS) {
            overrides.put("classbase.cache.regions." + region + ".enabled", Boolean.toString(on));
        }
        overrides.put("classbase.cache.redis-url", redis.url());
        return overrides;
    }

    /** The detail statement on the replica, tenant bound, gives the endpoint's course. */
    private static void checkSameCourse(Endpoint replica, long tenant, long course, JsonNode http) throws Exception {
        try (Connection c = DriverManager.getConnection(replica.jdbcUrl(), replica.user(), replica.password())) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            JdbcClient jdbc = JdbcClient.create(new SingleConnectionDataSource(c, true));
            jdbc.sql("select set_config('app.tenant_id', :tenant, true)")
                    .param("tenant", Long.toString(tenant))
                    .query()
                    .listOfRows();
            List<String> titles = jdbc.sql(CatalogLoad.catalogSql("COURSE"))
                    .param("tenant", tenant)
                    .param("id", course)
                    .query((rs, n) -> rs.getString("title"))
                    .list();
            if (!titles.equals(List.of(http.path("title").asString()))) {
                throw new IllegalStateException(
                        "the detail statement gave " + titles + " but the endpoint " + http.path("title"));
            }
            c.rollback();
        }
    }

    private CacheBenchmark() {}
}
