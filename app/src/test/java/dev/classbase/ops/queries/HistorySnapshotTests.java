package dev.classbase.ops.queries;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Query history: deltas per snapshot that add up to pg_stat_statements' counters, which are never
 * reset; a counter that went down is counted from zero; the history and endpoint pages. The shared
 * app's own job may snapshot in between: every assertion sums over snapshot ranges, so a snapshot
 * more only splits a sum, never changes it.
 */
class HistorySnapshotTests {
    /** A statement shape no other code runs: five casts and a comparison over a derived table. */
    private static final String PROBE = "SELECT count(*) FROM (SELECT ?::int AS a, ?::int AS b, ?::int AS c,"
            + " ?::int AS d, ?::int AS e) AS history_probe WHERE a < b + c - d * e";

    private static TestApp app;
    private static String operator;
    private static String student;
    private static DataSource owner;
    private static DataSource superuser;

    @BeforeAll
    static void start() {
        app = TestApp.shared();
        operator = app.signInOperator();
        student = app.signIn("student1@northwood.demo");
        owner = TestCluster.shared().primaryDataSource();
        superuser = TestCluster.shared().superuserDataSource();
    }

    @Test
    void historyAccumulatesAcrossSnapshotsWithoutResettingStatements() throws Exception {
        HistoryJob job = app.bean(HistoryJob.class);
        OffsetDateTime resetBefore = statsReset();
        long before = probeCalls();

        long start = snapshot(job);
        runProbe(7);
        long first = snapshot(job);
        runProbe(4);
        long second = snapshot(job);

        long queryid = probeQueryid();
        assertThat(probeCalls()).as("pg_stat_statements keeps counting").isEqualTo(before + 7 + 4);
        assertThat(statsReset()).as("never reset").isEqualTo(resetBefore);
        assertThat(historyCalls(queryid, start, first)).isEqualTo(7);
        assertThat(historyCalls(queryid, first, second)).isEqualTo(4);

        // the same through the API: one point per snapshot, zero where the probe did not run
        HttpResponse<String> r = app.get("/api/v1/admin/database/queries/history?hours=1&queryid=" + queryid, operator);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = TestApp.json(r);
        assertThat(body.path("statement").path("query").asString()).contains("history_probe");
        long inRange = 0;
        for (JsonNode point : body.path("snapshots")) {
            long id = point.path("snapshot_id").asLong();
            if (id > first && id <= second) {
                inRange += point.path("calls").asLong();
            }
        }
        assertThat(inRange).isEqualTo(4);

        JsonNode totals = TestApp.json(app.get("/api/v1/admin/database/queries/history?hours=1", operator));
        assertThat(totals.path("snapshots").size()).isGreaterThanOrEqualTo(2);
        for (JsonNode point : totals.path("snapshots")) {
            if (point.path("snapshot_id").asLong() == second) {
                assertThat(point.path("calls").asLong()).isGreaterThanOrEqualTo(4);
            }
        }
    }

    @Test
    void aCounterThatWentDownIsCountedFromZero() throws Exception {
        HistoryJob job = app.bean(HistoryJob.class);
        runProbe(2);
        long first = snapshot(job);
        long queryid = probeQueryid();
        // as after pg_stat_statements_reset() of this entry: the baseline is above the counter now
        try (Connection c = owner.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE query_history_baseline SET calls = calls + 1000 WHERE queryid = ?")) {
            ps.setLong(1, queryid);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        runProbe(3);
        long second = snapshot(job);
        assertThat(historyCalls(queryid, first, second))
                .as("the whole counter is the delta")
                .isEqualTo(probeCalls());
    }

    @Test
    void endpointsAttributeStatementsToTheirRouteComment() throws Exception {
        // signing in writes a session, on the primary; the course list is read on a replica
        String teacher = app.signIn("teacher1@northwood.demo");
        for (int i = 0; i < 3; i++) {
            // a tenant's endpoint, so a tenant's account: an operator gets none
            assertThat(app.get("/api/v1/courses", teacher).statusCode()).isEqualTo(200);
        }
        runProbe(1);
        long id = snapshot(app.bean(HistoryJob.class));
        assertThat(count("SELECT cardinality(servers) FROM query_history_snapshots WHERE id = " + id))
                .as("the primary and both replicas were read")
                .isEqualTo(3);
        HttpResponse<String> r = app.get("/api/v1/admin/database/queries/endpoints?hours=24", operator);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = TestApp.json(r);
        assertThat(body.path("source").asString()).startsWith("history");
        java.util.List<String> names = new java.util.ArrayList<>();
        body.path("endpoints").forEach(e -> names.add(e.path("endpoint").asString()));
        assertThat(names).contains("route:POST /api/v1/sessions", "route:GET /api/v1/courses", "unattributed");
        assertThat(names).allMatch(n -> n.equals("unattributed") || n.matches("[a-z]+:.+"));
        for (JsonNode e : body.path("endpoints")) {
            assertThat(e.path("calls").asLong()).isPositive();
        }
    }

    @Test
    void badInputIs400AndOnlyOperatorsMayRead() {
        assertThat(app.get("/api/v1/admin/database/queries/history?hours=0", operator)
                        .statusCode())
                .isEqualTo(400);
        assertThat(app.get("/api/v1/admin/database/queries/history?hours=999", operator)
                        .body())
                .contains("hours");
        HttpResponse<String> bad = app.get("/api/v1/admin/database/queries/history?queryid=abc", operator);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("queryid");
        assertThat(app.get("/api/v1/admin/database/queries/history?queryid=42", operator)
                        .statusCode())
                .isEqualTo(404);
        assertThat(app.get("/api/v1/admin/database/queries/endpoints?limit=0", operator)
                        .statusCode())
                .isEqualTo(400);
        for (String path :
                new String[] {"/api/v1/admin/database/queries/history", "/api/v1/admin/database/queries/endpoints"}) {
            assertThat(app.get(path, null).statusCode()).as(path).isEqualTo(401);
            assertThat(app.get(path, student).statusCode()).as(path).isEqualTo(403);
        }
    }

    @Test
    void expiredSnapshotsAreDeletedInBatches() throws Exception {
        long old;
        try (Connection c = owner.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO query_history_snapshots (taken_at, statements)
                        SELECT now() - interval '15 days' - g * interval '1 minute', 0 FROM generate_series(1, 30) g
                        RETURNING id""")) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                old = rs.getLong(1);
            }
        }
        // a retention of 14 days and batches of 12: 30 old snapshots go in three batches
        HistorySnapshot snapshot = new HistorySnapshot(
                TestCluster.dataSource(TestCluster.shared()
                        .cluster()
                        .service(TestCluster.shared().cluster().primary())),
                java.util.Map.of(),
                HistoryProperties.defaults());
        HistorySnapshot.Result result = Await.until(Duration.ofSeconds(30), () -> {
            try {
                HistorySnapshot.Result x = snapshot.run(false);
                return x.outcome() == HistorySnapshot.Outcome.SKIPPED_LOCKED ? null : x;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(result.pruned()).isGreaterThanOrEqualTo(30);
        assertThat(count("SELECT count(*) FROM query_history_snapshots WHERE taken_at < now() - interval '14 days'"))
                .isZero();
        assertThat(count("SELECT count(*) FROM query_history_snapshots WHERE id = " + old))
                .isZero();
    }

    private static long snapshot(HistoryJob job) throws InterruptedException {
        HistorySnapshot.Result r = Await.until(Duration.ofSeconds(30), () -> {
            try {
                HistorySnapshot.Result x = job.run(true);
                return x != null && x.outcome() == HistorySnapshot.Outcome.TAKEN ? x : null;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(r).as("a snapshot was taken").isNotNull();
        return r.snapshotId();
    }

    private static void runProbe(int times) throws SQLException {
        try (Connection c = owner.getConnection();
                PreparedStatement ps = c.prepareStatement(PROBE)) {
            for (int i = 0; i < times; i++) {
                for (int p = 1; p <= 5; p++) {
                    ps.setInt(p, i + p);
                }
                ps.executeQuery().close();
            }
        }
    }

    private static long probeCalls() throws SQLException {
        return count(
                "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE query LIKE '%AS history_probe WHERE%'"
                        + " AND query NOT LIKE '%pg_stat_statements%'");
    }

    private static long probeQueryid() throws SQLException {
        return count("SELECT queryid FROM pg_stat_statements WHERE query LIKE '%AS history_probe WHERE%'"
                + " AND query NOT LIKE '%pg_stat_statements%' LIMIT 1");
    }

    private static long historyCalls(long queryid, long afterSnapshot, long upToSnapshot) throws SQLException {
        return count("SELECT coalesce(sum(calls), 0) FROM query_history WHERE queryid = " + queryid
                + " AND snapshot_id > " + afterSnapshot + " AND snapshot_id <= " + upToSnapshot);
    }

    private static OffsetDateTime statsReset() throws SQLException {
        try (Connection c = superuser.getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT stats_reset FROM pg_stat_statements_info")) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class);
        }
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = superuser.getConnection();
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
