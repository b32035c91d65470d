package dev.classbase.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.cluster.Endpoint;
import dev.classbase.data.Migrations;
import dev.classbase.data.ProbeAccess;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;

/**
 * The data tier's costs, measured in one run on one cluster (2 replicas):
 *
 * <ol>
 *   <li>per-transaction overhead of routing + query watch + consistency tracking: the same
 *       one-statement read-only transaction through the tier and through a bare HikariCP pool on a
 *       replica, same threads, same pool size;
 *   <li>where reads go under a mixed HTTP load (80 % reads, 20 % writes each followed by a read with
 *       its consistency token), from the {@code Classbase-Read-Source} header.
 * </ol>
 *
 * Run: {@code bench/data-tier.sh} (prints a markdown table).
 */
public final class DataTierBenchmark {
    private static final int THREADS = 8;
    private static final int TRANSACTIONS = 40_000;

    public static void main(String[] args) throws Exception {
        try (EmbeddedCluster cluster = TestCluster.startPrivate("bench-data-tier", 2)) {
            Migrations.apply(TestCluster.dataSource(cluster.primary()));
            ProbeAccess.createTable(TestCluster.dataSource(cluster.primary()));
            try (Connection c = TestCluster.dataSource(cluster.primary()).getConnection();
                    var s = c.createStatement()) {
                s.execute("INSERT INTO rw_probe (op) SELECT 'seed' FROM generate_series(1, 10000)");
            }
            try (TestApp app = ProbeAccess.start(cluster)) {
                ProbeAccess.awaitReplicas(app, 2);
                Endpoint replica = cluster.service(cluster.replicas().get(0));
                int poolSize = app.bean(dev.classbase.data.pool.Pools.class)
                        .replicas()
                        .get("replica1")
                        .getMaximumPoolSize();
                try (HikariDataSource bare = bare(replica, poolSize * 2)) {
                    LongUnaryOperator bareRead = id -> {
                        try (Connection c = bare.getConnection()) {
                            c.setReadOnly(true);
                            c.setAutoCommit(false);
                            try (PreparedStatement ps =
                                    c.prepareStatement("SELECT count(*) FROM rw_probe WHERE id = ?")) {
                                ps.setLong(1, id);
                                try (ResultSet rs = ps.executeQuery()) {
                                    rs.next();
                                    long n = rs.getLong(1);
                                    c.commit();
                                    return n;
                                }
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    };
                    LongUnaryOperator tierRead = ProbeAccess.lookup(app);
                    // warm both paths (JIT, pools, plans), then alternate measured rounds
                    run(bareRead, 5_000);
                    run(tierRead, 5_000);
                    double bareTps = 0;
                    double tierTps = 0;
                    for (int round = 0; round < 3; round++) {
                        bareTps += run(bareRead, TRANSACTIONS);
                        tierTps += run(tierRead, TRANSACTIONS);
                    }
                    bareTps /= 3;
                    tierTps /= 3;
                    double overheadMicros = (1e6 / tierTps - 1e6 / bareTps) * THREADS;
                    Map<String, Integer> sources = mixedLoad(app, 4_000);
                    int total = sources.values().stream()
                            .mapToInt(Integer::intValue)
                            .sum();
                    int onReplicas = sources.entrySet().stream()
                            .filter(e -> e.getKey().startsWith("replica"))
                            .mapToInt(Map.Entry::getValue)
                            .sum();
                    System.out.printf(
                            """
                            | measurement (%d threads, one-statement read-only transactions) | result |
                            |---|---|
                            | bare HikariCP on replica1 | %,.0f tx/s |
                            | through the data tier (routing + query watch + consistency) | %,.0f tx/s |
                            | tier / bare | %.2f |
                            | overhead per transaction | %.0f us |
                            | mixed HTTP load, reads served by replicas | %.1f %% of %d reads |
                            | read sources | %s |
                            %n""",
                            THREADS,
                            bareTps,
                            tierTps,
                            tierTps / bareTps,
                            overheadMicros,
                            100.0 * onReplicas / total,
                            total,
                            sources);
                }
            }
        }
        System.exit(0);
    }

    /** Transactions per second of {@code read} over random ids, on THREADS threads. */
    private static double run(LongUnaryOperator read, int transactions) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        AtomicInteger next = new AtomicInteger();
        long started = System.nanoTime();
        for (int t = 0; t < THREADS; t++) {
            pool.submit(() -> {
                while (next.getAndIncrement() < transactions) {
                    read.applyAsLong(ThreadLocalRandom.current().nextLong(1, 10_001));
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(10, java.util.concurrent.TimeUnit.MINUTES);
        return transactions / ((System.nanoTime() - started) / 1e9);
    }

    private static Map<String, Integer> mixedLoad(TestApp app, int requests) throws Exception {
        Map<String, Integer> sources = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        AtomicInteger next = new AtomicInteger();
        AtomicLong stale = new AtomicLong();
        for (int t = 0; t < THREADS; t++) {
            pool.submit(() -> {
                while (next.getAndIncrement() < requests) {
                    HttpResponse<String> read;
                    if (ThreadLocalRandom.current().nextInt(5) == 0) {
                        HttpResponse<String> written = app.send("POST", "/probe/rows", null, null, Map.of());
                        String token = written.headers()
                                .firstValue("Classbase-Consistency")
                                .orElse("");
                        long id = TestApp.json(written).path("id").asLong();
                        read = app.send("GET", "/probe/rows/" + id, null, null, Map.of("Classbase-Consistency", token));
                        if (read.statusCode() != 200) {
                            stale.incrementAndGet();
                        }
                    } else {
                        long id = ThreadLocalRandom.current().nextLong(1, 10_001);
                        read = app.send("GET", "/probe/rows/" + id, null, null, Map.of());
                    }
                    sources.merge(
                            read.headers().firstValue("Classbase-Read-Source").orElse("?"), 1, Integer::sum);
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(10, java.util.concurrent.TimeUnit.MINUTES);
        if (stale.get() > 0) {
            throw new IllegalStateException(stale.get() + " stale reads");
        }
        return new TreeMap<>(sources);
    }

    private static HikariDataSource bare(Endpoint replica, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(replica.jdbcUrl());
        config.setUsername(replica.user());
        config.setPassword(replica.password());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        config.setPoolName("bare");
        return new HikariDataSource(config);
    }

    private DataTierBenchmark() {}
}
