package dev.classbase.bench;

import dev.classbase.cluster.Endpoint;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * The hottest read endpoint, catalog browse by category as a demo student, under a closed HTTP
 * load at a fixed concurrency, against pgbench running the endpoint's own transaction on the
 * replica the endpoint reads from, at the same concurrency for the same time: BEGIN READ ONLY
 * (what pgjdbc sends for a read-only transaction), the tenant binding of the data tier, the
 * catalog's BROWSE_CATEGORY statement (read from CatalogQueries, so it cannot drift), COMMIT.
 * The two take turns in rounds, and the round with the median ratio is reported.
 */
final class CatalogLoad {
    /** The data tier's tenant binding (ConsistencyTransactionManager), with pgbench's variable. */
    static final String BIND_TENANT = "select set_config('app.tenant_id', :tenant, true);";

    private static final int PGBENCH_WARMUP_SECONDS = 15;
    /** CatalogService asks one row more than the default page of 20 to know whether a next page exists. */
    static final int LIMIT = 21;

    record Target(long tenant, String email, String category) {}

    record Result(
            Target target,
            int courses,
            int statementsPerRequest,
            double requestsPerSecond,
            double p50Ms,
            double p99Ms,
            double onReplica,
            Optional<Double> pgbenchTps,
            String pgbench,
            String client,
            List<Round> rounds,
            double warmupPerSecond) {}

    /** The first demo tenant and its category with the most published courses. */
    static Target target() {
        return JdbcClient.create(TestCluster.shared().primaryDataSource())
                .sql("""
                        select t.id, 'student1@' || t.slug || '.demo' as email, c.category
                        from tenants as t join courses as c on c.tenant_id = t.id and c.status = 'published'
                        where exists (select 1 from users as u where u.tenant_id = t.id
                                      and u.email = 'student1@' || t.slug || '.demo' and u.role = 'student')
                          and t.slug not like 'budget-test-%'
                        group by t.id, t.slug, c.category
                        order by t.id, count(*) desc, c.category
                        limit 1
                        """)
                .query((rs, n) -> new Target(rs.getLong(1), rs.getString(2), rs.getString(3)))
                .single();
    }

    /**
     * {@code warmup} seconds of the endpoint's load (the JIT compiler was still busy 40 s into the
     * load: 30 s was too short) and at most {@value #PGBENCH_WARMUP_SECONDS} of pgbench's, then
     * {@code roundCount} rounds of {@code seconds} each for both in turn.
     */
    static Result run(
            TestApp app, Endpoint replica, String replicaName, int concurrency, int warmup, int seconds, int roundCount)
            throws Exception {
        Target target = target();
        String token = app.signIn(target.email());
        URI uri = URI.create(
                app.url("/api/v1/courses?category=" + URLEncoder.encode(target.category(), StandardCharsets.UTF_8)));
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + token)
                .GET()
                .build();

        HttpResponse<String> first = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (first.statusCode() != 200) {
            throw new IllegalStateException("GET " + uri + " answered " + first.statusCode() + ": " + first.body());
        }
        List<Long> httpIds = new ArrayList<>();
        TestApp.json(first)
                .path("items")
                .forEach(item -> httpIds.add(item.path("id").asLong()));
        int statements = Integer.parseInt(
                first.headers().firstValue("Classbase-Query-Count").orElse("-1"));
        String browse = browseCategorySql();
        checkSameRows(replica, target, browse, httpIds);

        // wrk (C) when installed, so the client does not take the server's CPU; else the JDK's client
        Optional<Wrk> wrk = Wrk.find();
        String client = wrk.isPresent() ? "wrk" : "JDK HttpClient in the server's JVM (" + Wrk.INSTALL_HINT + ")";
        Optional<Pgbench> pgbench = Pgbench.find();
        String script = "BEGIN READ ONLY;\n" + BIND_TENANT + "\n" + browse.strip() + ";\nCOMMIT;\n";
        Map<String, String> variables = Map.of(
                "tenant", Long.toString(target.tenant()),
                "category", target.category(),
                // pgbench refuses an empty -D value; checkSameRows proved " " selects the same first page
                "afterTitle", " ",
                "afterId", "0",
                "limit", Integer.toString(LIMIT));

        // warm-ups once, then rounds of endpoint and pgbench in turn: the machine's speed drifts
        // over minutes, so each ratio compares two neighbouring windows and the median is reported
        Load endpointWarmup = endpoint(wrk, http, request, uri, token, replicaName, concurrency, warmup);
        if (pgbench.isPresent()) {
            pgbench.get().tps(replica, script, variables, concurrency, Math.min(warmup, PGBENCH_WARMUP_SECONDS));
        }
        // the replica's own CPU in each window: what one request costs the database, whatever the client
        Optional<PostgresCpu> cpu = PostgresCpu.of(replica);
        List<Round> rounds = new ArrayList<>();
        for (int i = 0; i < Math.max(1, roundCount); i++) {
            double before = cpu.isPresent() ? cpu.get().seconds() : 0;
            Load load = endpoint(wrk, http, request, uri, token, replicaName, concurrency, seconds);
            double between = cpu.isPresent() ? cpu.get().seconds() : 0;
            Optional<Double> tps = pgbench.isPresent()
                    ? Optional.of(pgbench.get().tps(replica, script, variables, concurrency, seconds))
                    : Optional.empty();
            double after = cpu.isPresent() ? cpu.get().seconds() : 0;
            rounds.add(new Round(
                    load,
                    tps,
                    cpu.map(c -> 1e6 * (between - before) / (load.perSecond() * seconds)),
                    cpu.flatMap(c -> tps.map(t -> 1e6 * (after - between) / (t * seconds)))));
        }
        List<Round> byRatio = new ArrayList<>(rounds);
        byRatio.sort(java.util.Comparator.comparingDouble(Round::ratio));
        Round median = byRatio.get(byRatio.size() / 2);
        return new Result(
                target,
                httpIds.size(),
                statements,
                median.load().perSecond(),
                median.load().p50Ms(),
                median.load().p99Ms(),
                rounds.stream().mapToDouble(r -> r.load().onReplica()).min().orElse(0),
                median.pgbenchTps(),
                pgbench.map(p -> p.binary().toString()).orElse(Pgbench.INSTALL_HINT),
                client,
                rounds,
                endpointWarmup.perSecond());
    }

    /**
     * One window of the endpoint under load, then one of pgbench; the ratio of the two; and the
     * replica's CPU per request and per pgbench transaction, in µs ({@link PostgresCpu}: Linux, a
     * local server), whose ratio says what share of the database's throughput for this read the
     * endpoint would reach if the application had CPU of its own.
     */
    record Round(
            Load load,
            Optional<Double> pgbenchTps,
            Optional<Double> endpointDatabaseMicros,
            Optional<Double> pgbenchDatabaseMicros) {
        double ratio() {
            return pgbenchTps.map(tps -> load.perSecond() / tps).orElse(0.0);
        }

        Optional<Double> databaseRatio() {
            return pgbenchDatabaseMicros.flatMap(p -> endpointDatabaseMicros.map(e -> p / e));
        }
    }

    private static Load endpoint(
            Optional<Wrk> wrk,
            HttpClient http,
            HttpRequest request,
            URI uri,
            String token,
            String replicaName,
            int concurrency,
            int seconds)
            throws Exception {
        if (wrk.isPresent()) {
            Wrk.Run run = wrk.get().run(uri, token, replicaName, concurrency, seconds);
            return new Load(run.perSecond(), run.p50Ms(), run.p99Ms(), run.onReplica());
        }
        return load(http, request, replicaName, concurrency, seconds);
    }

    /** The statement pgbench runs, from the catalog itself, so the two never drift apart. */
    static String browseCategorySql() throws ReflectiveOperationException {
        return catalogSql("BROWSE_CATEGORY");
    }

    /** One of CatalogQueries' statements by its constant's name (the class is the catalog's own). */
    static String catalogSql(String constant) throws ReflectiveOperationException {
        Field field =
                Class.forName("dev.classbase.platform.catalog.CatalogQueries").getDeclaredField(constant);
        field.setAccessible(true);
        return (String) field.get(null);
    }

    /**
     * The first page through SQL on the replica as the service role, with the cursor the service
     * starts from ("") and the one pgbench can be given (" "), equals the endpoint's page.
     */
    static void checkSameRows(Endpoint replica, Target target, String sql, List<Long> httpIds) throws Exception {
        try (Connection c = DriverManager.getConnection(replica.jdbcUrl(), replica.user(), replica.password())) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            JdbcClient jdbc = JdbcClient.create(new SingleConnectionDataSource(c, true));
            jdbc.sql("select set_config('app.tenant_id', :tenant, true)")
                    .param("tenant", Long.toString(target.tenant()))
                    .query()
                    .listOfRows();
            for (String after : List.of("", " ")) {
                List<Long> ids = jdbc.sql(sql)
                        .param("tenant", target.tenant())
                        .param("category", target.category())
                        .param("afterTitle", after)
                        .param("afterId", 0L)
                        .param("limit", LIMIT)
                        .query((rs, n) -> rs.getLong("id"))
                        .list();
                if (!ids.equals(httpIds) || ids.isEmpty()) {
                    throw new IllegalStateException(
                            "catalog SQL with afterTitle '" + after + "' gave " + ids + " but the endpoint " + httpIds);
                }
            }
            c.rollback();
        }
    }

    /** {@code onReplica}: the share of requests the replica answered (the router falls back to the primary when it lags). */
    record Load(double perSecond, double p50Ms, double p99Ms, double onReplica) {}

    /** {@code concurrency} clients, each sending the next request when the last one is answered. */
    private static Load load(HttpClient http, HttpRequest request, String replica, int concurrency, int seconds)
            throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(concurrency);
        AtomicLong errors = new AtomicLong();
        AtomicLong elsewhere = new AtomicLong();
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(seconds);
        List<Future<long[]>> futures = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            futures.add(clients.submit(() -> {
                long[] latencies = new long[1024];
                int n = 0;
                while (System.nanoTime() < deadline) {
                    long t0 = System.nanoTime();
                    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                    long took = System.nanoTime() - t0;
                    if (response.statusCode() != 200) {
                        errors.incrementAndGet();
                    }
                    if (!replica.equals(response.headers()
                            .firstValue("Classbase-Read-Source")
                            .orElse(""))) {
                        elsewhere.incrementAndGet();
                    }
                    if (n == latencies.length) {
                        latencies = java.util.Arrays.copyOf(latencies, n * 2);
                    }
                    latencies[n++] = took;
                }
                return java.util.Arrays.copyOf(latencies, n);
            }));
        }
        List<Long> all = new ArrayList<>();
        for (Future<long[]> f : futures) {
            for (long l : f.get()) {
                all.add(l);
            }
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        clients.shutdown();
        if (errors.get() > 0) {
            throw new IllegalStateException(errors.get() + " of " + all.size() + " requests failed");
        }
        all.sort(null);
        return new Load(
                all.size() / elapsed,
                all.get(all.size() / 2) / 1e6,
                all.get((int) Math.ceil(0.99 * all.size()) - 1) / 1e6,
                1 - (double) elsewhere.get() / all.size());
    }
}
