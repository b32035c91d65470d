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
 */
final class CatalogLoad {
    /** The data tier's tenant binding (ConsistencyTransactionManager), with pgbench's variable. */
    private static final String BIND_TENANT = "select set_config('app.tenant_id', :tenant, true);";
    /** CatalogService asks one row more than the default page of 20 to know whether a next page exists. */
    private static final int LIMIT = 21;

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
            String client) {}

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

    static Result run(TestApp app, Endpoint replica, String replicaName, int concurrency, int warmup, int seconds)
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
        Load measured;
        String client;
        if (wrk.isPresent()) {
            wrk.get().run(uri, token, replicaName, concurrency, warmup);
            Wrk.Run run = wrk.get().run(uri, token, replicaName, concurrency, seconds);
            measured = new Load(run.perSecond(), run.p50Ms(), run.p99Ms(), run.onReplica());
            client = "wrk";
        } else {
            load(http, request, replicaName, concurrency, warmup);
            measured = load(http, request, replicaName, concurrency, seconds);
            client = "JDK HttpClient in the server's JVM (" + Wrk.INSTALL_HINT + ")";
        }

        Optional<Pgbench> pgbench = Pgbench.find();
        Optional<Double> tps = Optional.empty();
        String note;
        if (pgbench.isEmpty()) {
            note = Pgbench.INSTALL_HINT;
        } else {
            String script = "BEGIN READ ONLY;\n" + BIND_TENANT + "\n" + browse.strip() + ";\nCOMMIT;\n";
            Map<String, String> variables = Map.of(
                    "tenant", Long.toString(target.tenant()),
                    "category", target.category(),
                    // pgbench refuses an empty -D value; checkSameRows proved " " selects the same first page
                    "afterTitle", " ",
                    "afterId", "0",
                    "limit", Integer.toString(LIMIT));
            pgbench.get().tps(replica, script, variables, concurrency, warmup);
            tps = Optional.of(pgbench.get().tps(replica, script, variables, concurrency, seconds));
            note = pgbench.get().binary().toString();
        }
        return new Result(
                target,
                httpIds.size(),
                statements,
                measured.perSecond(),
                measured.p50Ms(),
                measured.p99Ms(),
                measured.onReplica(),
                tps,
                note,
                client);
    }

    /** The statement pgbench runs, from the catalog itself, so the two never drift apart. */
    static String browseCategorySql() throws ReflectiveOperationException {
        Field field =
                Class.forName("dev.classbase.platform.catalog.CatalogQueries").getDeclaredField("BROWSE_CATEGORY");
        field.setAccessible(true);
        return (String) field.get(null);
    }

    /**
     * The first page through SQL on the replica as the service role, with the cursor the service
     * starts from ("") and the one pgbench can be given (" "), equals the endpoint's page.
     */
    private static void checkSameRows(Endpoint replica, Target target, String sql, List<Long> httpIds)
            throws Exception {
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
    private record Load(double perSecond, double p50Ms, double p99Ms, double onReplica) {}

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
