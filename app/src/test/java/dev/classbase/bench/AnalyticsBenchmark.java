package dev.classbase.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.cluster.Endpoint;
import dev.classbase.data.replicas.ReplicaMonitor;
import dev.classbase.seed.DemoAccounts;
import dev.classbase.seed.Scale;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The analytics benchmarks, in one run on a fresh test cluster (primary + replica):
 *
 * <ol>
 *   <li>(a) the daily-activity dashboard (rollups + live tail) against the same numbers aggregated
 *       from the raw tables, same replica, answers compared ({@link AnalyticsDashboard}; goal at
 *       least 100x, p99 at most 20 ms);
 *   <li>(b) an incremental rollup run against a full {@code REFRESH MATERIALIZED VIEW CONCURRENTLY}
 *       of the views it replaces, after the same batch of new events, at 1x and 10x history
 *       ({@link AnalyticsRefresh}; goal: the rollup run flat as history grows 10x);
 *   <li>(c) ingestion through {@code POST /api/v1/events} with wrk, inbox trigger on and off
 *       ({@link AnalyticsIngestion}; goal at least 50k events/s), and the same INSERT alone over JDBC
 *       as the reference ({@link AnalyticsInsertOnly}).
 * </ol>
 *
 * System properties: bench.scale (M; demo, S, M, L: tenants, users and analytics events of that
 * scale, activity logs a quarter of the events), bench.events (override the events), bench.days
 * (360: the 10x history; 1x is its most recent tenth), bench.batch (20000 events, plus a quarter as
 * many activity logs), bench.repetitions (5), bench.dashboard.days (30,90,365), bench.dashboard.runs
 * (300), bench.dashboard.raw-runs (20; a range over 90 days gets a quarter), bench.dashboard.warmup
 * (1000 requests per range before the timed runs), bench.dashboard.wrk-seconds (10: wrk's timing of
 * the endpoint at one connection, per range), bench.ingest.seconds (20),
 * bench.ingest.warmup (10), bench.ingest.connections (8), bench.ingest.threads (2), bench.plots
 * (../docs/bench). Run: {@code bench/analytics.sh}.
 */
public final class AnalyticsBenchmark {

    public static void main(String[] args) throws Exception {
        // the tables alone on stdout; the cluster's and the server's logs go to stderr (the script's log file)
        PrintStream tables = System.out;
        System.setOut(System.err);
        Scale scale = Scale.parse(System.getProperty("bench.scale", "M"));
        long events = Long.getLong("bench.events", scale.analyticsEvents());
        int tenants = (int) scale.tenants();
        int usersPerTenant = (int) (scale.users() / tenants);
        int days = Integer.getInteger("bench.days", 360);
        long batch = Long.getLong("bench.batch", 20_000);
        int repetitions = Integer.getInteger("bench.repetitions", 5);
        List<Integer> ranges = new ArrayList<>();
        for (String d : System.getProperty("bench.dashboard.days", "30,90,365").split(",")) {
            ranges.add(Integer.parseInt(d.strip()));
        }
        int endpointRuns = Integer.getInteger("bench.dashboard.runs", 300);
        int rawRuns = Integer.getInteger("bench.dashboard.raw-runs", 20);
        // the server is a fresh JVM: its first thousand requests are partly interpreted (about 2.6 ms
        // for what takes 1.5 ms once compiled); a server in service is warm
        int endpointWarmup = Integer.getInteger("bench.dashboard.warmup", 1_000);
        int wrkSeconds = Integer.getInteger("bench.dashboard.wrk-seconds", 10);
        int ingestSeconds = Integer.getInteger("bench.ingest.seconds", 20);
        int ingestWarmup = Integer.getInteger("bench.ingest.warmup", 10);
        int connections = Integer.getInteger("bench.ingest.connections", 8);
        int threads = Integer.getInteger("bench.ingest.threads", 2);
        Path plots = Path.of(System.getProperty("bench.plots", "../docs/bench"));
        long small = events / 10;

        TestCluster cluster = TestCluster.shared();
        DataSource owner = cluster.primaryDataSource();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        AnalyticsData data = new AnalyticsData(owner, tenants, usersPerTenant, today);
        long started = System.nanoTime();
        data.people(DemoAccounts.passwordHash());
        data.history(small, 0, days / 10);
        double smallSeconds = seconds(started);
        log("history 1x: %,d events in %.1f s", small, smallSeconds);
        AnalyticsRefresh.populate(owner);
        AnalyticsRefresh.Result refresh1 = AnalyticsRefresh.run(owner, data, small, batch, repetitions);
        log("refresh at 1x: %s", refresh1);

        started = System.nanoTime();
        data.history(events - small, days / 10, days);
        double largeSeconds = seconds(started);
        log("history 10x: %,d more events in %.1f s", events - small, largeSeconds);
        AnalyticsRefresh.populate(owner);
        AnalyticsRefresh.Result refresh10 = AnalyticsRefresh.run(owner, data, events, batch, repetitions);
        log("refresh at 10x: %s", refresh10);
        // the dashboard reads a drained inbox and fresh statistics, as after a scheduled run
        try (Connection c = owner.getConnection();
                Statement s = c.createStatement()) {
            s.execute("select * from classbase_run_rollups()");
            // the drain left the inbox's rows dead; on the replica the live tail walks them on every
            // read until a vacuum removes them, which autovacuum does within its naptime (V72)
            s.execute("vacuum rollup_inbox");
            s.execute("analyze rollup_daily_activity");
            s.execute("analyze rollup_daily_users");
        }

        EmbeddedCluster servers = cluster.cluster();
        Map<String, Object> properties = new LinkedHashMap<>(cluster.springProperties());
        // one replica, so the endpoint and the raw query read from the same server
        properties
                .keySet()
                .removeIf(k -> k.startsWith("classbase.database.replicas[")
                        && !k.startsWith("classbase.database.replicas[0]"));
        Map<String, Object> overrides = Map.of(
                // the benchmark decides when rollups run and views refresh
                "classbase.views.scheduler-enabled", "false",
                "classbase.rollups.scheduler-enabled", "false");
        List<AnalyticsDashboard.Result> dashboards = new ArrayList<>();
        AnalyticsIngestion.Result ingestion = null;
        AnalyticsIngestion.Run insertOnly = null;
        String ingestionNote = null;
        Endpoint replica = servers.service(servers.replicas().getFirst());
        try (TestApp app = TestApp.start(properties, overrides);
                HikariDataSource replicaPool = pool(replica)) {
            awaitRotation(app);
            awaitReplay(owner, replicaPool);
            String token = app.signIn("admin@bench1.demo");
            var wrk = Wrk.find();
            for (int range : ranges) {
                // a long range costs the raw side whole partitions per run: fewer runs there
                int raw = range > 90 ? Math.max(3, rawRuns / 4) : rawRuns;
                AnalyticsDashboard.Result r = AnalyticsDashboard.run(
                        app, token, replicaPool, 1, range, endpointRuns, raw, endpointWarmup, wrk, wrkSeconds);
                log("dashboard %d days: %s", range, r);
                dashboards.add(r);
            }
            if (wrk.isEmpty()) {
                ingestionNote = Wrk.INSTALL_HINT;
            } else {
                ingestion = AnalyticsIngestion.run(
                        wrk.get().binary(),
                        URI.create(app.url("/api/v1/events")),
                        token,
                        owner,
                        data.firstUser(1),
                        usersPerTenant,
                        threads,
                        connections,
                        ingestWarmup,
                        ingestSeconds);
                log("ingestion: %s", ingestion);
                insertOnly = AnalyticsInsertOnly.run(
                        servers.service(servers.primary()),
                        1,
                        data.firstUser(1),
                        usersPerTenant,
                        connections,
                        ingestSeconds);
                log("insert alone: %s", insertOnly);
            }
        }

        tables.println(report(
                scale,
                tenants,
                usersPerTenant,
                events,
                days,
                smallSeconds,
                largeSeconds,
                batch,
                repetitions,
                dashboards,
                refresh1,
                refresh10,
                ingestion,
                insertOnly,
                ingestionNote,
                threads,
                connections,
                ingestSeconds));
        plots(plots, dashboards, refresh1, refresh10, ingestion, insertOnly);
        tables.println("plots: " + plots.resolve("analytics-*.svg").normalize());
        System.exit(0); // the cluster's shutdown hook stops the servers
    }

    private static String report(
            Scale scale,
            int tenants,
            int usersPerTenant,
            long events,
            int days,
            double smallSeconds,
            double largeSeconds,
            long batch,
            int repetitions,
            List<AnalyticsDashboard.Result> dashboards,
            AnalyticsRefresh.Result refresh1,
            AnalyticsRefresh.Result refresh10,
            AnalyticsIngestion.Result ingestion,
            AnalyticsIngestion.Run insertOnly,
            String ingestionNote,
            int threads,
            int connections,
            int seconds) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "%nScale %s (analytics tables only): %d tenants x %,d users, %,d analytics events + %,d activity"
                        + " logs over %d days (1x history: the last %d days, %,d events); generated in %.0f s + %.0f s%n%n",
                scale.label(),
                tenants,
                usersPerTenant,
                events,
                events / 4,
                days,
                days / 10,
                events / 10,
                smallSeconds,
                largeSeconds));
        boolean external = dashboards.stream().allMatch(r -> r.wrk() != null);
        out.append(
                "(a) Daily-activity dashboard of one tenant: the endpoint over HTTP (rollups + live tail) vs the same"
                        + " numbers from the raw tables (bare SQL on the same replica); answers compared; ms. "
                        + (external
                                ? "The endpoint timed by wrk at one connection (the speed-up's) and by the JDK client in the"
                                        + " server's JVM\n\n"
                                : "The endpoint timed by the JDK client in the server's JVM only (" + Wrk.INSTALL_HINT
                                        + ")\n\n"));
        out.append("| range | endpoint p50 / p99 (wrk) | endpoint p50 / p99 (in-JVM client) | raw tables p50 / p99 |"
                + " speed-up (p50) | runs wrk / in-JVM / raw |\n");
        out.append("|---|---|---|---|---|---|\n");
        for (AnalyticsDashboard.Result r : dashboards) {
            out.append(String.format(
                    Locale.ROOT,
                    "| %d days | %s | %.2f / %.2f | %.1f / %.1f | **%.0fx** | %s / %d / %d |%n",
                    r.days(),
                    r.wrk() == null
                            ? "-"
                            : String.format(
                                    Locale.ROOT,
                                    "%.2f / %.2f",
                                    r.wrk().p50Ms(),
                                    r.wrk().p99Ms()),
                    r.inJvm().p50Ms(),
                    r.inJvm().p99Ms(),
                    r.raw().p50Ms(),
                    r.raw().p99Ms(),
                    r.ratioP50(),
                    r.wrk() == null
                            ? "-"
                            : String.format(Locale.ROOT, "%,d", r.wrk().runs()),
                    r.inJvm().runs(),
                    r.raw().runs()));
        }
        out.append(String.format(
                Locale.ROOT,
                "%n(b) Freshness after the same batch (%,d events + %,d activity logs, 90 %% of the last two days,"
                        + " 10 %% late): one rollup run vs a full REFRESH ... CONCURRENTLY of the two views it replaces;"
                        + " median of %d, ms%n%n",
                batch,
                batch / 4,
                repetitions));
        out.append("| history | rollup run | REFRESH mv_daily_active_users | REFRESH mv_daily_platform_metrics |"
                + " full refresh / rollup |\n");
        out.append("|---|---|---|---|---|\n");
        for (AnalyticsRefresh.Result r : List.of(refresh1, refresh10)) {
            out.append(String.format(
                    Locale.ROOT,
                    "| %s (%,d events) | %.0f | %.0f | %.0f | %.0fx |%n",
                    r == refresh1 ? "1x" : "10x",
                    r.historyEvents(),
                    r.rollup().p50Ms(),
                    r.activeUsers().p50Ms(),
                    r.platform().p50Ms(),
                    r.fullRefresh().p50Ms() / r.rollup().p50Ms()));
        }
        out.append(String.format(
                Locale.ROOT,
                "| growth, 10x / 1x | **%.2fx** | %.1fx | %.1fx | |%n",
                refresh10.rollup().p50Ms() / refresh1.rollup().p50Ms(),
                refresh10.activeUsers().p50Ms() / refresh1.activeUsers().p50Ms(),
                refresh10.platform().p50Ms() / refresh1.platform().p50Ms()));
        out.append(String.format(
                Locale.ROOT,
                "%n(c) Ingestion: POST /api/v1/events, batches of %,d events, wrk %d threads x %d connections, %d s"
                        + " per side in halves ordered on, off, off, on%n%n",
                AnalyticsIngestion.BATCH,
                threads,
                connections,
                seconds));
        if (ingestion == null) {
            out.append("skipped: ").append(ingestionNote).append('\n');
        } else {
            out.append("| what | events/s | batch p50 / p99 ms | batches |\n");
            out.append("|---|---|---|---|\n");
            for (AnalyticsIngestion.Run r : List.of(ingestion.withTrigger(), ingestion.withoutTrigger(), insertOnly)) {
                out.append(String.format(
                        Locale.ROOT,
                        "| %s | **%,.0f** | %.1f / %.1f | %,d |%n",
                        r.label(),
                        r.eventsPerSecond(),
                        r.p50Ms(),
                        r.p99Ms(),
                        r.requests()));
            }
            out.append(String.format(
                    Locale.ROOT,
                    "%nthe inbox trigger costs %.0f %% of the endpoint's throughput; the endpoint reaches %.0f %%"
                            + " of what the INSERT alone does (JDBC, %d sessions, trigger on, %d s)%n",
                    100 * ingestion.triggerCost(),
                    100 * ingestion.withTrigger().eventsPerSecond() / insertOnly.eventsPerSecond(),
                    connections,
                    seconds));
        }
        return out.toString();
    }

    private static void plots(
            Path dir,
            List<AnalyticsDashboard.Result> dashboards,
            AnalyticsRefresh.Result refresh1,
            AnalyticsRefresh.Result refresh10,
            AnalyticsIngestion.Result ingestion,
            AnalyticsIngestion.Run insertOnly)
            throws java.io.IOException {
        Files.createDirectories(dir);
        List<String> categories = new ArrayList<>();
        double[] endpoint = new double[dashboards.size() * 2];
        double[] raw = new double[dashboards.size() * 2];
        for (int i = 0; i < dashboards.size(); i++) {
            AnalyticsDashboard.Result r = dashboards.get(i);
            categories.add(r.days() + " days, p50");
            categories.add(r.days() + " days, p99");
            endpoint[2 * i] = r.endpoint().p50Ms();
            endpoint[2 * i + 1] = r.endpoint().p99Ms();
            raw[2 * i] = r.raw().p50Ms();
            raw[2 * i + 1] = r.raw().p99Ms();
        }
        SvgChart.bars("(a) Daily-activity dashboard: endpoint vs raw tables", "ms", true, categories)
                .series(
                        dashboards.stream().allMatch(r -> r.wrk() != null)
                                ? "endpoint (rollups + live tail, HTTP, wrk)"
                                : "endpoint (rollups + live tail, HTTP, in-JVM client)",
                        endpoint)
                .series("raw tables (bare SQL)", raw)
                .goal(20, "p99 goal: 20 ms")
                .write(dir.resolve("analytics-dashboard.svg"));
        SvgChart.bars(
                        "(b) Refresh after the same batch, as history grows 10x",
                        "ms",
                        true,
                        List.of(
                                String.format(
                                        Locale.ROOT,
                                        "1x history (%s events)",
                                        SvgChart.number(refresh1.historyEvents())),
                                String.format(
                                        Locale.ROOT,
                                        "10x history (%s events)",
                                        SvgChart.number(refresh10.historyEvents()))))
                .series(
                        "rollup run",
                        refresh1.rollup().p50Ms(),
                        refresh10.rollup().p50Ms())
                .series(
                        "REFRESH CONCURRENTLY mv_daily_active_users",
                        refresh1.activeUsers().p50Ms(),
                        refresh10.activeUsers().p50Ms())
                .series(
                        "REFRESH CONCURRENTLY mv_daily_platform_metrics",
                        refresh1.platform().p50Ms(),
                        refresh10.platform().p50Ms())
                .write(dir.resolve("analytics-refresh.svg"));
        if (ingestion != null) {
            SvgChart.bars(
                            "(c) Ingestion through POST /api/v1/events (batches of 1,000)",
                            "events/s",
                            false,
                            List.of(
                                    "endpoint, inbox trigger on",
                                    "endpoint, inbox trigger off",
                                    "INSERT alone (JDBC), trigger on"))
                    .series(
                            "events/s",
                            ingestion.withTrigger().eventsPerSecond(),
                            ingestion.withoutTrigger().eventsPerSecond(),
                            insertOnly.eventsPerSecond())
                    .goal(50_000, "goal: 50k events/s")
                    .write(dir.resolve("analytics-ingestion.svg"));
        }
    }

    private static HikariDataSource pool(Endpoint e) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("bench-raw");
        config.setJdbcUrl(e.jdbcUrl());
        config.setUsername(e.user());
        config.setPassword(e.password());
        config.setMaximumPoolSize(1);
        return new HikariDataSource(config);
    }

    /** Reads go to the primary until the monitor has seen the replica healthy a few times. */
    private static void awaitRotation(TestApp app) throws InterruptedException {
        ReplicaMonitor monitor = app.bean(ReplicaMonitor.class);
        if (Await.until(
                        Duration.ofSeconds(60),
                        () -> !monitor.statuses().isEmpty()
                                        && monitor.statuses().stream().allMatch(ReplicaMonitor.Status::inRotation)
                                ? Boolean.TRUE
                                : null)
                == null) {
            throw new IllegalStateException("the replica did not join the rotation: " + monitor.statuses());
        }
    }

    /** Until the replica has replayed everything the primary has written so far. */
    private static void awaitReplay(DataSource primary, DataSource replica) throws SQLException, InterruptedException {
        String lsn;
        try (Connection c = primary.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select pg_current_wal_lsn()::text")) {
            rs.next();
            lsn = rs.getString(1);
        }
        if (Await.until(Duration.ofMinutes(5), () -> {
                    try (Connection c = replica.getConnection();
                            var ps = c.prepareStatement("select pg_last_wal_replay_lsn() >= ?::pg_lsn")) {
                        ps.setString(1, lsn);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            return rs.getBoolean(1) ? Boolean.TRUE : null;
                        }
                    } catch (SQLException e) {
                        return null;
                    }
                })
                == null) {
            throw new IllegalStateException("the replica did not replay up to " + lsn + " within 5 minutes");
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private static void log(String format, Object... args) {
        System.err.println("analytics benchmark: " + String.format(Locale.ROOT, format, args));
    }
}
