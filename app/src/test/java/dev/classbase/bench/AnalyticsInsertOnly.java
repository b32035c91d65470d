package dev.classbase.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.classbase.cluster.Endpoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reference for (c): ingestion's INSERT alone (EventQueries' statement, batches of 1,000 events
 * like the HTTP ones), from as many JDBC sessions as wrk has connections, as the service role with
 * the tenant bound in each transaction, inbox trigger on. What the database takes without HTTP,
 * JSON and validation: the gap to the endpoint is the server's share.
 */
final class AnalyticsInsertOnly {
    /**
     * As EventQueries.insert: four arrays, one statement per batch, the batch's distinct users
     * checked once. Bind: tenant, the arrays, tenant, the distinct users twice.
     */
    static final String INSERT = """
            insert into analytics_events (tenant_id, user_id, kind, payload, occurred_at)
            select ?, b.user_id, b.kind, b.payload, b.occurred_at
            from unnest(cast(? as bigint[]), cast(? as text[]), cast(? as jsonb[]),
                        cast(? as timestamptz[])) as b(user_id, kind, payload, occurred_at)
            where (select count(*) from users as u
                   where u.tenant_id = ? and u.id = any(cast(? as bigint[])))
                  = cardinality(cast(? as bigint[]))
            """;

    private AnalyticsInsertOnly() {}

    static AnalyticsIngestion.Run run(
            Endpoint primaryAsService, long tenant, long firstUser, int users, int connections, int seconds)
            throws Exception {
        List<Object[]> batches = batches(firstUser, users);
        HikariConfig config = new HikariConfig();
        config.setPoolName("bench-insert");
        config.setJdbcUrl(primaryAsService.jdbcUrl());
        config.setUsername(primaryAsService.user());
        config.setPassword(primaryAsService.password());
        config.setMaximumPoolSize(connections);
        config.setAutoCommit(false);
        AtomicLong done = new AtomicLong();
        List<Long> nanos = Collections.synchronizedList(new ArrayList<>());
        long started;
        long ended;
        try (HikariDataSource pool = new HikariDataSource(config)) {
            ExecutorService executor = Executors.newFixedThreadPool(connections);
            try {
                started = System.nanoTime();
                long deadline = started + seconds * 1_000_000_000L;
                List<Future<?>> workers = new ArrayList<>();
                for (int w = 0; w < connections; w++) {
                    int first = w;
                    workers.add(executor.submit(() -> {
                        int i = first;
                        while (System.nanoTime() < deadline) {
                            long t = System.nanoTime();
                            insert(pool, tenant, batches.get(i++ % batches.size()));
                            nanos.add(System.nanoTime() - t);
                            done.incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : workers) {
                    f.get();
                }
                ended = System.nanoTime();
            } finally {
                executor.shutdownNow();
            }
        }
        AnalyticsTimings t = AnalyticsTimings.of(nanos);
        return new AnalyticsIngestion.Run(
                "INSERT alone (JDBC)",
                done.get() * AnalyticsIngestion.BATCH / ((ended - started) / 1e9),
                t.p50Ms(),
                t.p99Ms(),
                done.get());
    }

    private static void insert(HikariDataSource pool, long tenant, Object[] batch) throws SQLException {
        try (Connection c = pool.getConnection()) {
            try (PreparedStatement bind = c.prepareStatement("select set_config('app.tenant_id', ?, true)")) {
                bind.setString(1, Long.toString(tenant));
                bind.execute();
            }
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setLong(1, tenant);
                ps.setArray(2, c.createArrayOf("bigint", (Object[]) batch[0]));
                ps.setArray(3, c.createArrayOf("text", (Object[]) batch[1]));
                ps.setArray(4, c.createArrayOf("text", (Object[]) batch[2]));
                ps.setArray(5, c.createArrayOf("text", (Object[]) batch[3]));
                Object[] distinct = new LinkedHashSet<>(Arrays.asList((Object[]) batch[0])).toArray();
                ps.setLong(6, tenant);
                ps.setArray(7, c.createArrayOf("bigint", distinct));
                ps.setArray(8, c.createArrayOf("bigint", distinct));
                if (ps.executeUpdate() != AnalyticsIngestion.BATCH) {
                    throw new IllegalStateException("a batch named a user the tenant does not have");
                }
            }
            c.commit();
        }
    }

    /** Sixteen batches shaped like the HTTP bodies: 50 users each, the last two days. */
    private static List<Object[]> batches(long firstUser, int users) {
        Random random = new Random(43);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).withNano(0);
        List<Object[]> batches = new ArrayList<>();
        for (int b = 0; b < 16; b++) {
            long[] batchUsers = new long[50];
            for (int u = 0; u < batchUsers.length; u++) {
                batchUsers[u] = firstUser + random.nextInt(users);
            }
            int n = AnalyticsIngestion.BATCH;
            Long[] ids = new Long[n];
            String[] kinds = new String[n];
            String[] payloads = new String[n];
            String[] times = new String[n];
            for (int i = 0; i < n; i++) {
                ids[i] = batchUsers[random.nextInt(batchUsers.length)];
                kinds[i] = "page_view";
                payloads[i] = "{\"path\":\"/courses/" + (1 + random.nextInt(40)) + "\",\"duration_ms\":"
                        + (200 + random.nextInt(30_000)) + "}";
                times[i] = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(now.minusSeconds(random.nextInt(2 * 86_400)));
            }
            batches.add(new Object[] {ids, kinds, payloads, times});
        }
        return batches;
    }
}
