package dev.classbase.bench;

import dev.classbase.testsupport.TestApp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import tools.jackson.databind.JsonNode;

/**
 * (a) {@code GET /api/v1/dashboard/daily-activity} (rollups plus the live tail, on the analytics
 * pool's replica) against the same numbers aggregated from the raw tables, on the same replica as
 * the same service role with the tenant bound. The raw side is timed as a bare query (no HTTP, no
 * JSON), which only flatters it; the endpoint's time is the request until its body is received (the
 * client's JSON parsing is not the endpoint's). The two answers are compared first and last: equal digests or
 * the benchmark stops.
 *
 * <p>The endpoint is timed twice: by wrk, a C client in a process of its own, at one keep-alive
 * connection (the speed-up is taken from this one), and by the JDK's HTTP client in the server's own
 * JVM, interleaved with the raw runs. On two cores the JDK client's selector and worker threads
 * compete with the server's for the CPU and add their hand-offs to every request: the same requests
 * measured 1.3 to 4 times slower through it than through wrk (docs/BENCHMARKS.md); the catalog
 * benchmark moved to wrk for the same reason. Without wrk the JDK client's timing is the endpoint's, and the report says so.
 */
final class AnalyticsDashboard {
    /**
     * What the endpoint answers, from analytics_events, activity_logs and users (as
     * mv_daily_active_users and mv_daily_platform_metrics define it). Bind: from, to, then the
     * tenant and the range [from, to + 1) for each of the four reads, then the tenant for users.
     */
    static final String RAW = """
            with days as (
                select d::date as day from generate_series(?::date, ?::date, interval '1 day') as d
            ), activity as (
                select (created_at at time zone 'UTC')::date as day, user_id from activity_logs
                where tenant_id = ? and created_at >= ? and created_at < ? and user_id is not null
                union
                select (occurred_at at time zone 'UTC')::date, user_id from analytics_events
                where tenant_id = ? and occurred_at >= ? and occurred_at < ? and user_id is not null
            ), events as (
                select (occurred_at at time zone 'UTC')::date as day, count(*) as n from analytics_events
                where tenant_id = ? and occurred_at >= ? and occurred_at < ? group by 1
            ), actions as (
                select (created_at at time zone 'UTC')::date as day, count(*) as n from activity_logs
                where tenant_id = ? and created_at >= ? and created_at < ? group by 1
            ), active as (
                select a.day, count(*) as users,
                       count(*) filter (where u.role = 'teacher') as teachers,
                       count(*) filter (where u.role = 'student') as students
                from activity as a left join users as u on u.tenant_id = ? and u.id = a.user_id
                group by a.day
            )
            select days.day, coalesce(a.users, 0), coalesce(a.teachers, 0), coalesce(a.students, 0),
                   coalesce(e.n, 0), coalesce(x.n, 0)
            from days
            left join active as a on a.day = days.day
            left join events as e on e.day = days.day
            left join actions as x on x.day = days.day
            order by days.day
            """;

    /**
     * @param wrk the endpoint timed by wrk at one connection, or null without wrk
     * @param inJvm the endpoint timed by the JDK's client in the server's JVM
     */
    record Result(int days, AnalyticsTimings wrk, AnalyticsTimings inJvm, AnalyticsTimings raw) {
        /** The endpoint's timing the speed-up is taken from: wrk's when there is one. */
        AnalyticsTimings endpoint() {
            return wrk != null ? wrk : inJvm;
        }

        double ratioP50() {
            return raw.p50Ms() / endpoint().p50Ms();
        }
    }

    private AnalyticsDashboard() {}

    static Result run(
            TestApp app,
            String token,
            DataSource replicaAsService,
            long tenant,
            int days,
            int endpointRuns,
            int rawRuns,
            int warmup,
            Optional<Wrk> wrk,
            int wrkSeconds)
            throws SQLException, IOException, InterruptedException {
        LocalDate to = LocalDate.now(ZoneOffset.UTC);
        LocalDate from = to.minusDays(days - 1L);
        String path = "/api/v1/dashboard/daily-activity?from=" + from + "&to=" + to;
        Digests.assertSame(
                "daily activity, " + days + " days",
                endpoint(app, path, token),
                raw(replicaAsService, tenant, from, to));
        for (int i = 0; i < warmup; i++) {
            endpoint(app, path, token);
        }
        raw(replicaAsService, tenant, from, to);
        List<Long> endpointNanos = new ArrayList<>();
        List<Long> rawNanos = new ArrayList<>();
        // interleaved, so drift on a shared machine hits both alike
        int every = Math.max(1, endpointRuns / Math.max(1, rawRuns));
        for (int i = 0; i < endpointRuns || rawNanos.size() < rawRuns; i++) {
            if (i < endpointRuns) {
                long started = System.nanoTime();
                fetch(app, path, token);
                endpointNanos.add(System.nanoTime() - started);
            }
            if (i % every == 0 && rawNanos.size() < rawRuns) {
                long started = System.nanoTime();
                raw(replicaAsService, tenant, from, to);
                rawNanos.add(System.nanoTime() - started);
            }
        }
        AnalyticsTimings external = wrk.isEmpty() ? null : wrk(wrk.get(), URI.create(app.url(path)), token, wrkSeconds);
        Digests.assertSame(
                "daily activity, " + days + " days (last run)",
                endpoint(app, path, token),
                raw(replicaAsService, tenant, from, to));
        return new Result(days, external, AnalyticsTimings.of(endpointNanos), AnalyticsTimings.of(rawNanos));
    }

    /** wrk at one thread and one keep-alive connection: one request at a time, as the JDK client sends them. */
    private static AnalyticsTimings wrk(Wrk wrk, URI uri, String token, int seconds)
            throws IOException, InterruptedException {
        Path script = Files.createTempFile("classbase-wrk-", ".lua");
        try {
            // one GET after another; the answers that are not 200 are counted, so a failing endpoint
            // cannot pass for a fast one
            Files.writeString(script, Wrk.countingStatus(200), StandardCharsets.UTF_8);
            Wrk.Output out = wrk.run(script, uri, token, 1, 1, seconds);
            long[] counts = Wrk.statusCounts(out);
            int requests = (int) counts[0];
            if (counts[1] > 0 || requests == 0 || Double.isNaN(out.p50Ms())) {
                throw new IllegalStateException(uri + ": " + counts[1] + " of " + requests
                        + " requests failed, or no latency was printed:\n" + out.text());
            }
            return new AnalyticsTimings(out.p50Ms(), out.p99Ms(), requests);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /** One request, the whole body received; not parsed (the raw side's rows are not rendered either). */
    private static HttpResponse<String> fetch(TestApp app, String path, String token) {
        HttpResponse<String> response = app.get(path, token);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response;
    }

    private static List<String> endpoint(TestApp app, String path, String token) {
        List<String> lines = new ArrayList<>();
        for (JsonNode row : TestApp.json(fetch(app, path, token)).path("items")) {
            lines.add(line(
                    row.path("day").asString(),
                    row.path("activeUsers").asLong(),
                    row.path("activeTeachers").asLong(),
                    row.path("activeStudents").asLong(),
                    row.path("events").asLong(),
                    row.path("actions").asLong()));
        }
        return lines;
    }

    private static List<String> raw(DataSource replica, long tenant, LocalDate from, LocalDate to) throws SQLException {
        try (Connection c = replica.getConnection()) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try {
                try (PreparedStatement ps = c.prepareStatement("select set_config('app.tenant_id', ?, true)")) {
                    ps.setString(1, Long.toString(tenant));
                    ps.execute();
                }
                var lo = from.atStartOfDay().atOffset(ZoneOffset.UTC);
                var hi = to.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC);
                try (PreparedStatement ps = c.prepareStatement(RAW)) {
                    Object[] params = {from, to, tenant, lo, hi, tenant, lo, hi, tenant, lo, hi, tenant, lo, hi, tenant
                    };
                    for (int i = 0; i < params.length; i++) {
                        ps.setObject(i + 1, params[i]);
                    }
                    List<String> lines = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            lines.add(line(
                                    rs.getObject(1, LocalDate.class).toString(),
                                    rs.getLong(2),
                                    rs.getLong(3),
                                    rs.getLong(4),
                                    rs.getLong(5),
                                    rs.getLong(6)));
                        }
                    }
                    return lines;
                }
            } finally {
                c.rollback();
            }
        }
    }

    private static String line(String day, long users, long teachers, long students, long events, long actions) {
        return day + " users=" + users + " teachers=" + teachers + " students=" + students + " events=" + events
                + " actions=" + actions;
    }
}
