package dev.classbase.data.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.data.DataTier;
import dev.classbase.data.tenancy.TenantScope;
import dev.classbase.platform.catalog.CourseChanged;
import dev.classbase.platform.fixtures.ApiCalls;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.RedisProcess;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Cached answers across two servers sharing a real Redis (L2, invalidation bus, generations,
 * request counts), on the shared test cluster's demo district: invalidation after commit and only
 * after it, isolation of tenants and users, read-your-writes by WAL position, one load for
 * concurrent misses, statement counts of hits, warm-up of a third server, and a Redis killed under
 * a server of its own.
 */
class CachedReadsTests {
    private static final Map<String, Object> REGIONS_ON = Map.of(
            "classbase.cache.regions.catalog.enabled", "true",
            "classbase.cache.regions.user.enabled", "true",
            "classbase.cache.regions.analytics.enabled", "true");
    private static RedisProcess redis;
    private static TestApp a;
    private static TestApp b;

    @BeforeAll
    static void start() {
        TestApp.shared(); // the demo district
        redis = RedisProcess.start();
        a = TestApp.start(TestCluster.shared().springProperties(), on(redis));
        b = TestApp.start(TestCluster.shared().springProperties(), on(redis));
    }

    private static Map<String, Object> on(RedisProcess server) {
        Map<String, Object> overrides = new LinkedHashMap<>(REGIONS_ON);
        overrides.put("classbase.cache.redis-url", server.url());
        return overrides;
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {b, a, redis}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing the rest matters more
            }
        }
    }

    private static String cache(HttpResponse<String> response) {
        return response.headers().firstValue(CachedReads.HEADER).orElse(null);
    }

    private static long tenant(TestApp app, String token) {
        return TestApp.json(app.get("/api/v1/users/me", token)).path("tenantId").asLong();
    }

    private static long me(TestApp app, String token) {
        return TestApp.json(app.get("/api/v1/users/me", token)).path("id").asLong();
    }

    /** A published course of the student's tenant, by its first catalog page. */
    private static long aCourse(TestApp app, String token, int index) {
        return TestApp.json(app.get("/api/v1/courses?limit=20", token))
                .path("items")
                .get(index)
                .path("id")
                .asLong();
    }

    private static DataSource owner() {
        return TestCluster.shared().primaryDataSource();
    }

    /** Sets a course's title as the owner, outside the app (no invalidation); the WAL position after it. */
    private static String retitle(long course, String title) throws SQLException {
        try (Connection c = owner().getConnection();
                PreparedStatement update = c.prepareStatement("update courses set title = ? where id = ?");
                PreparedStatement lsn = c.prepareStatement("select pg_current_wal_insert_lsn()::text")) {
            update.setString(1, title);
            update.setLong(2, course);
            assertThat(update.executeUpdate()).isEqualTo(1);
            try (ResultSet rs = lsn.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static String title(long course) {
        return JdbcClient.create(owner())
                .sql("select title from courses where id = :id")
                .param("id", course)
                .query(String.class)
                .single();
    }

    @Test
    void aHitRunsNoStatement_andTheOtherInstanceFindsTheAnswerInRedis() {
        String token = a.signIn("student1@northwood.demo");
        long course = aCourse(a, token, 1);
        ApiCalls onA = new ApiCalls(a);
        ApiCalls onB = new ApiCalls(b);
        String path = "/api/v1/courses/" + course;

        ApiCalls.Call first = onA.get(path, token);
        ApiCalls.Call second = onA.get(path, token);
        ApiCalls.Call elsewhere = onB.get(path, token);

        assertThat(first.status()).isEqualTo(200);
        assertThat(cache(second.response())).isEqualTo("hit");
        assertThat(second.statements()).as("a hit asks the database nothing").isZero();
        assertThat(second.response().body()).isEqualTo(first.response().body());
        assertThat(cache(elsewhere.response())).as("B finds A's answer in L2").isEqualTo("hit");
        assertThat(elsewhere.statements()).isZero();
        assertThat(b.bean(CachedReads.class).stats().stream()
                        .filter(r -> r.name().equals("catalog"))
                        .findFirst()
                        .orElseThrow()
                        .l2Hits())
                .isPositive();
    }

    @Test
    void courseChangedInvalidatesEveryInstance_onlyOnceItsTransactionCommits() throws Exception {
        String token = a.signIn("student2@northwood.demo");
        long course = aCourse(a, token, 2);
        String path = "/api/v1/courses/" + course;
        String before = title(course);
        b.get(path, token);
        assertThat(cache(b.get(path, token))).isEqualTo("hit");
        try {
            TransactionTemplate tx = new TransactionTemplate(a.bean(PlatformTransactionManager.class));
            long tenant = tenant(a, token);
            try (TenantScope ignored = DataTier.bindTenant(tenant)) {
                tx.executeWithoutResult(status -> {
                    a.bean(JdbcClient.class)
                            .sql("update courses set title = title || ' (revised)' where id = :id")
                            .param("id", course)
                            .update();
                    a.context().publishEvent(new CourseChanged(tenant, course));
                    HttpResponse<String> meanwhile = b.get(path, token);
                    assertThat(cache(meanwhile))
                            .as("nothing invalidated before the commit")
                            .isEqualTo("hit");
                    assertThat(TestApp.json(meanwhile).path("title").asString()).isEqualTo(before);
                });
            }
            String seen = Await.until(Duration.ofSeconds(10), () -> {
                String t = TestApp.json(b.get(path, token)).path("title").asString();
                return t.endsWith(" (revised)") ? t : null;
            });
            assertThat(seen).isEqualTo(before + " (revised)");
            assertThat(TestApp.json(a.get(path, token)).path("title").asString())
                    .isEqualTo(seen);
        } finally {
            retitle(course, before);
            a.context().publishEvent(new CourseChanged(tenant(a, token), course));
        }
    }

    @Test
    void aRolledBackWriteInvalidatesNothing_andNothingReadInsideAWriteIsCached() throws Exception {
        String token = a.signIn("student3@northwood.demo");
        long course = aCourse(a, token, 3);
        String path = "/api/v1/courses/" + course;
        String before = title(course);
        long tenant = tenant(a, token);
        a.get(path, token);
        b.get(path, token);
        CachedReads reads = a.bean(CachedReads.class);
        var read = new CachedReads.Read(
                "catalog", "rollback|" + UUID.randomUUID(), List.of(CacheTags.course(tenant, course)), null);
        JdbcClient jdbc = a.bean(JdbcClient.class);
        TransactionTemplate tx = new TransactionTemplate(a.bean(PlatformTransactionManager.class));
        try (TenantScope ignored = DataTier.bindTenant(tenant)) {
            tx.executeWithoutResult(status -> {
                jdbc.sql("update courses set title = 'never committed' where id = :id")
                        .param("id", course)
                        .update();
                a.context().publishEvent(new CourseChanged(tenant, course));
                String inside = reads.read(
                        read,
                        String.class,
                        () -> jdbc.sql("select title from courses where id = :id")
                                .param("id", course)
                                .query(String.class)
                                .single());
                assertThat(inside).isEqualTo("never committed");
                status.setRollbackOnly();
            });
            AtomicInteger loads = new AtomicInteger();
            String after = reads.read(read, String.class, () -> {
                loads.incrementAndGet();
                return title(course);
            });
            assertThat(loads)
                    .as("the answer read inside the write was not kept")
                    .hasValue(1);
            assertThat(after).isEqualTo(before);
        }
        assertThat(cache(a.get(path, token)))
                .as("a rollback invalidates nothing")
                .isEqualTo("hit");
        assertThat(cache(b.get(path, token))).isEqualTo("hit");
        assertThat(TestApp.json(b.get(path, token)).path("title").asString()).isEqualTo(before);
    }

    @Test
    void answersNeverCrossTenantsOrUsers() {
        String north = a.signIn("student4@northwood.demo");
        String river = a.signIn("student4@riverside.demo");
        String otherNorth = a.signIn("student5@northwood.demo");
        String path = "/api/v1/courses?limit=7";

        HttpResponse<String> northPage = a.get(path, north);
        HttpResponse<String> northAgain = a.get(path, north);
        HttpResponse<String> riverPage = a.get(path, river);
        assertThat(cache(northAgain)).isEqualTo("hit");
        assertThat(cache(riverPage))
                .as("another tenant's first page is its own miss")
                .isEqualTo("miss");
        assertThat(riverPage.body()).isNotEqualTo(northPage.body());

        long student = me(a, north);
        String enrollments = "/api/v1/users/" + student + "/enrollments";
        assertThat(a.get(enrollments, north).statusCode()).isEqualTo(200);
        assertThat(cache(a.get(enrollments, north))).isEqualTo("hit");
        assertThat(a.get(enrollments, otherNorth).statusCode())
                .as("another student is refused, not served the cached list")
                .isEqualTo(403);
        assertThat(a.get(enrollments, river).statusCode()).isIn(403, 404);
    }

    @Test
    void aWriteCarriesItsTokenThroughTheCacheOfAnyInstance() throws Exception {
        String token = a.signIn("student6@northwood.demo");
        long course = aCourse(a, token, 4);
        String path = "/api/v1/courses/" + course;
        String before = title(course);
        a.get(path, token);
        assertThat(cache(b.get(path, token))).isEqualTo("hit");
        try {
            String lsn = retitle(course, before + " (quiet)"); // no invalidation: only the token tells
            HttpResponse<String> stale = b.get(path, token);
            assertThat(cache(stale)).isEqualTo("hit");
            assertThat(TestApp.json(stale).path("title").asString()).isEqualTo(before);

            Map<String, String> withToken = Map.of("Classbase-Consistency", lsn);
            HttpResponse<String> through = b.send("GET", path, token, null, withToken);
            assertThat(cache(through)).as("the entry predates the token").isEqualTo("bypass");
            assertThat(TestApp.json(through).path("title").asString()).isEqualTo(before + " (quiet)");
            HttpResponse<String> again = b.send("GET", path, token, null, withToken);
            assertThat(cache(again))
                    .as("the answer read through is kept with its position")
                    .isEqualTo("hit");
            assertThat(TestApp.json(again).path("title").asString()).isEqualTo(before + " (quiet)");
        } finally {
            retitle(course, before);
            a.context().publishEvent(new CourseChanged(tenant(a, token), course));
        }

        // the usual path: an enrollment on A, seen at once in the list on B
        long student = me(a, token);
        String list = "/api/v1/users/" + student + "/enrollments";
        List<Long> enrolled = new ArrayList<>();
        TestApp.json(b.get(list, token))
                .forEach(e -> enrolled.add(e.path("courseId").asLong()));
        assertThat(cache(b.get(list, token))).isEqualTo("hit");
        JsonNode page = TestApp.json(a.get("/api/v1/courses?limit=50", token)).path("items");
        long fresh = -1;
        for (JsonNode c : page) {
            if (!enrolled.contains(c.path("id").asLong())) {
                fresh = c.path("id").asLong();
                break;
            }
        }
        assertThat(fresh).as("a course the student is not in").isPositive();
        HttpResponse<String> enroll = a.post("/api/v1/enrollments", token, "{\"courseId\":" + fresh + "}");
        assertThat(enroll.statusCode()).isEqualTo(201);
        String written = enroll.headers().firstValue("Classbase-Consistency").orElseThrow();
        HttpResponse<String> seen = b.send("GET", list, token, null, Map.of("Classbase-Consistency", written));
        List<Long> now = new ArrayList<>();
        TestApp.json(seen).forEach(e -> now.add(e.path("courseId").asLong()));
        assertThat(now).as("the new enrollment, from B, on the next read").contains(fresh);
    }

    @Test
    void concurrentMissesOnOneInstanceLoadOnce() throws Exception {
        String token = a.signIn("student7@northwood.demo");
        // a query no other test asks: its key is new
        String path = "/api/v1/courses?limit=3&q=" + "algebra%20"
                + UUID.randomUUID().toString().substring(0, 8);
        CachedReads reads = a.bean(CachedReads.class);
        long before = catalog(reads).loads();
        int n = 16;
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                calls.add(() -> a.get(path, token).statusCode());
            }
            for (Future<Integer> f : pool.invokeAll(calls)) {
                assertThat(f.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdown();
        }
        assertThat(catalog(reads).loads() - before)
                .as("%d concurrent requests, one load", n)
                .isEqualTo(1);
    }

    private static CachedReads.RegionStats catalog(CachedReads reads) {
        return reads.stats().stream()
                .filter(r -> r.name().equals("catalog"))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void consoleAndMetricsShowTheRegions() {
        String operator = a.signInOperator();
        String tenantAdmin = a.signIn("admin@northwood.demo");
        String student = a.signIn("student8@northwood.demo");
        a.get("/api/v1/courses?limit=4", student);
        a.get("/api/v1/courses?limit=4", student);

        JsonNode state = TestApp.json(a.get("/api/v1/admin/database/cache", operator));
        assertThat(state.path("redis").path("connected").asBoolean()).isTrue();
        List<String> names = new ArrayList<>();
        state.path("regions").forEach(r -> names.add(r.path("name").asString()));
        assertThat(names).contains("catalog", "user", "analytics");
        assertThat(state.path("disabledRegions").toString()).contains("static");
        assertThat(a.get("/api/v1/admin/database/cache", student).statusCode()).isEqualTo(403);
        assertThat(a.get("/api/v1/admin/database/cache", tenantAdmin).statusCode())
                .as("the cache spans every tenant: operators only")
                .isEqualTo(403);

        String metrics = a.get("/actuator/prometheus", operator).body();
        assertThat(metrics)
                .contains("classbase_cache_requests_total{region=\"catalog\",result=\"hit\"}")
                .contains("classbase_cache_loads_total{region=\"catalog\"}")
                .contains("classbase_cache_evictions_total{region=\"catalog\"}");
    }

    @Test
    void aNewInstanceWarmsTheMostRequestedAnswersBeforeItIsReady() throws Exception {
        String token = a.signIn("student9@northwood.demo");
        long course = aCourse(a, token, 5);
        for (int i = 0; i < 3; i++) {
            a.get("/api/v1/courses/" + course, token);
            a.get("/api/v1/courses?limit=9", token);
        }
        // the counts are written without waiting: they are in Redis shortly
        Await.until(Duration.ofSeconds(10), () -> redisHasCounts() ? true : null);
        try (TestApp c = TestApp.start(TestCluster.shared().springProperties(), on(redis))) {
            CachedReads.RegionStats warmed = catalog(c.bean(CachedReads.class));
            assertThat(warmed.size()).as("loaded before the first request").isPositive();
            HttpResponse<String> first = c.get("/api/v1/courses/" + course, token);
            assertThat(cache(first)).isEqualTo("hit");
        }
    }

    private static boolean redisHasCounts() {
        var client = io.lettuce.core.RedisClient.create(redis.url());
        try (var connection = client.connect()) {
            return !connection.sync().keys("classbase:cache:popular:catalog:*").isEmpty();
        } finally {
            client.shutdown();
        }
    }

    @Test
    void redisKilledUnderAServerCostsNoFailedRequest() throws Exception {
        RedisProcess own = RedisProcess.start();
        try (TestApp alone = TestApp.start(TestCluster.shared().springProperties(), on(own))) {
            String token = alone.signIn("student10@northwood.demo");
            assertThat(alone.get("/api/v1/courses?limit=6", token).statusCode()).isEqualTo(200);
            CachedReads reads = alone.bean(CachedReads.class);
            var read =
                    new CachedReads.Read("catalog", "killed|" + UUID.randomUUID(), List.of("tenant:1:catalog"), null);
            String answer;
            try (TenantScope ignored = DataTier.bindTenant(1)) {
                answer = reads.read(read, String.class, () -> {
                    own.close(); // Redis dies while the answer is loaded; storing it in L2 then fails
                    return "loaded";
                });
            }
            assertThat(answer).isEqualTo("loaded");
            for (String path : List.of("/api/v1/courses?limit=6", "/api/v1/courses?limit=8", "/api/v1/users/me")) {
                HttpResponse<String> response = alone.get(path, token);
                assertThat(response.statusCode()).as(path).isEqualTo(200);
                assertThat(cache(response)).isIn("hit", "miss");
            }
            assertThat(alone.bean(Caches.class).shared()).isFalse();
        } finally {
            own.close();
        }
    }
}
