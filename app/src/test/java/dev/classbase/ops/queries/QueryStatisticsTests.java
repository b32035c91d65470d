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
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The console's statement lists against the servers' own counters: a known mix runs on the primary
 * and on a replica, and the top lists, windows and per-route totals must say what each server's
 * pg_stat_statements, pg_stat_database and pg_stat_wal say. Every marker statement below is a
 * shape no other code runs, so its counts are the test's alone.
 */
class QueryStatisticsTests {
    // pg_stat_statements' queryid ignores comments and aliases: each marker is a shape of its own
    // (its aggregate), and the comment inside names it in the entry's text
    private static final String ON_REPLICA = "SELECT /* qs_on_replica */ count(g) FROM generate_series(1, ?::int) AS g";
    private static final String SLOW_ON_REPLICA = "SELECT /* qs_slow_on_replica */ pg_sleep(?::int / 10000.0 + 0.2)";
    private static final String FIRST_READING =
            "SELECT /* qs_first_reading */ sum(g) FROM generate_series(1, ?::int) AS g";
    private static final String BEFORE_WINDOW =
            "SELECT /* qs_before_window */ max(g) FROM generate_series(1, ?::int) AS g";
    private static final String IN_WINDOW = "SELECT /* qs_in_window */ min(g) FROM generate_series(1, ?::int) AS g";

    private static TestApp app;
    private static String operator;
    private static TestCluster cluster;
    private static String replicaName;

    @BeforeAll
    static void start() throws SQLException {
        app = TestApp.shared();
        operator = app.signInOperator();
        cluster = TestCluster.shared();
        replicaName = cluster.cluster().replicas().getFirst().name();
        try (Connection c = cluster.superuserDataSource().getConnection();
                Statement s = c.createStatement()) {
            // a statement inside a function: pg_stat_statements.track = all records it as nested
            s.execute("""
                    CREATE OR REPLACE FUNCTION qs_outer(n int) RETURNS bigint LANGUAGE plpgsql AS $$
                    DECLARE r bigint;
                    BEGIN
                        SELECT /* qs_nested_marker */ bit_or(g) INTO r FROM generate_series(1, n) AS g;
                        RETURN r;
                    END $$""");
            s.execute("GRANT EXECUTE ON FUNCTION qs_outer(int) TO PUBLIC");
        }
    }

    @Test
    void replicaStatementsAreListedAndLabelledByServer() throws Exception {
        run(cluster.replicaDataSource(0), ON_REPLICA, 9);
        run(cluster.replicaDataSource(0), SLOW_ON_REPLICA, 2);
        long replicaCalls = serverCalls(cluster.replicaDataSource(0), "qs_on_replica");
        long slowCalls = serverCalls(cluster.replicaDataSource(0), "qs_slow_on_replica");
        assertThat(replicaCalls).as("the replica's own count").isGreaterThanOrEqualTo(9);
        assertThat(slowCalls).as("the replica's own count").isGreaterThanOrEqualTo(2);

        Map<String, String[]> lists = Map.of(
                "/api/v1/admin/database/queries?order=calls&limit=500", new String[] {"qs_on_replica"},
                // slower than 150 ms on average: the replica's 200 ms sleep, beside the primary's slowest
                "/api/v1/admin/database/queries/slow?minMeanMs=150&limit=500", new String[] {"qs_slow_on_replica"});
        for (Map.Entry<String, String[]> list : lists.entrySet()) {
            String path = list.getKey();
            String marker = list.getValue()[0];
            JsonNode body = ok(path);
            List<JsonNode> rows = rowsWith(body.path("statements"), marker);
            assertThat(rows).as(path).hasSize(1);
            assertThat(rows.getFirst().path("server").asString()).isEqualTo(replicaName);
            assertThat(rows.getFirst().path("calls").asLong())
                    .isEqualTo(marker.equals("qs_on_replica") ? replicaCalls : slowCalls);
            assertThat(names(body.path("servers"), "server")).as(path).contains("primary", replicaName);
        }
    }

    @Test
    void aWindowListsOnlyWhatRanBetweenItsSnapshots() throws Exception {
        HistoryJob job = app.bean(HistoryJob.class);
        run(cluster.primaryDataSource(), BEFORE_WINDOW, 4);
        long from = snapshot(job);
        run(cluster.primaryDataSource(), IN_WINDOW, 5);
        run(cluster.replicaDataSource(0), IN_WINDOW, 3);
        long to = snapshot(job);

        JsonNode body = ok("/api/v1/admin/database/queries?order=calls&limit=500&from=" + from + "&to=" + to);
        assertThat(body.path("window").path("from_snapshot").asLong()).isEqualTo(from);
        assertThat(body.path("window").path("to_snapshot").asLong()).isEqualTo(to);
        JsonNode statements = body.path("statements");
        assertThat(rowsWith(statements, "qs_before_window"))
                .as("ran before the window")
                .isEmpty();
        Map<String, Long> calls = new java.util.HashMap<>();
        for (JsonNode row : rowsWith(statements, "qs_in_window")) {
            calls.put(row.path("server").asString(), row.path("calls").asLong());
        }
        assertThat(calls).isEqualTo(Map.of("primary", 5L, replicaName, 3L));

        // the last hour holds both runs, and nothing before the history's first snapshot
        JsonNode hour = ok("/api/v1/admin/database/queries?order=calls&limit=500&hours=1");
        long inHour = 0;
        for (JsonNode row : rowsWith(hour.path("statements"), "qs_in_window")) {
            inHour += row.path("calls").asLong();
        }
        assertThat(inHour).isEqualTo(8);
    }

    @Test
    void aServersFirstSnapshotIsItsBaselineNotAWindowsDelta() throws Exception {
        // a server the history has never read: its counters since start happened before any window
        String fresh = "replica_first_" + UUID.randomUUID().toString().substring(0, 8);
        run(cluster.replicaDataSource(1), FIRST_READING, 2);
        HistorySnapshot snapshot = new HistorySnapshot(
                TestCluster.dataSource(
                        cluster.cluster().service(cluster.cluster().primary())),
                Map.of(
                        fresh,
                        TestCluster.dataSource(cluster.cluster()
                                .service(cluster.cluster().replicas().get(1)))),
                HistoryProperties.defaults());
        long first = taken(snapshot);
        assertThat(count("SELECT count(*) FROM query_history WHERE snapshot_id = " + first + " AND server = '" + fresh
                        + "'"))
                .as("no delta without a previous reading")
                .isZero();
        run(cluster.replicaDataSource(1), FIRST_READING, 6);
        long second = taken(snapshot);
        assertThat(count("SELECT coalesce(sum(calls), 0) FROM query_history AS h"
                        + " JOIN query_history_statements AS t USING (server, queryid, userid, dbid)"
                        + " WHERE h.snapshot_id = " + second + " AND h.server = '" + fresh + "'"
                        + " AND t.query LIKE '%qs_first_reading%'"))
                .as("the second reading is a delta")
                .isEqualTo(6);
    }

    @Test
    void nestedStatementsAreFlaggedAndLeftOutUnlessAskedFor() throws Exception {
        HistoryJob job = app.bean(HistoryJob.class);
        long from = snapshot(job);
        run(cluster.primaryDataSource(), "SELECT qs_outer(?)", 6);
        long to = snapshot(job);

        String live = "/api/v1/admin/database/queries?order=calls&limit=500";
        String window = live + "&from=" + from + "&to=" + to;
        for (String path : List.of(live, window)) {
            JsonNode top = ok(path).path("statements");
            assertThat(rowsWith(top, "qs_outer")).as(path).isNotEmpty();
            assertThat(rowsWith(top, "qs_nested_marker"))
                    .as(path + ": top-level only")
                    .isEmpty();
            List<JsonNode> nested = rowsWith(ok(path + "&nested=true").path("statements"), "qs_nested_marker");
            assertThat(nested).as(path + "&nested=true").hasSize(1);
            assertThat(nested.getFirst().path("toplevel").asBoolean(true)).isFalse();
        }
        List<JsonNode> inWindow = rowsWith(ok(window + "&nested=true").path("statements"), "qs_nested_marker");
        assertThat(inWindow.getFirst().path("calls").asLong()).isEqualTo(6);
    }

    @Test
    void transactionsAndWalFlushesSitBesideTheStatements() throws Exception {
        HistoryJob job = app.bean(HistoryJob.class);
        DataSource primary = cluster.primaryDataSource();
        long from = snapshot(job);
        long commitsBefore = commits(primary);
        try (Connection c = primary.getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE qs_commits (n int)");
            c.setAutoCommit(false);
            for (int i = 0; i < 7; i++) {
                s.execute("INSERT INTO qs_commits VALUES (" + i + ")");
                c.commit(); // COMMIT through pgjdbc: not a pg_stat_statements entry, but a commit and a WAL flush
            }
        }
        // backends report their counters when idle, at most once a second
        Await.until(Duration.ofSeconds(30), () -> commits(primary) >= commitsBefore + 7 ? true : null);
        long to = snapshot(job);

        JsonNode live = ok("/api/v1/admin/database/queries");
        JsonNode primaryLive = server(live.path("servers"), "primary");
        assertThat(primaryLive.path("commits").asLong()).isGreaterThanOrEqualTo(commitsBefore + 7);
        assertThat(primaryLive.has("wal_sync")).isTrue();
        assertThat(primaryLive.path("wal_bytes").asLong()).isPositive();

        JsonNode window = ok("/api/v1/admin/database/queries?from=" + from + "&to=" + to);
        JsonNode primaryWindow = server(window.path("servers"), "primary");
        long commitsAfter = commits(primary);
        assertThat(primaryWindow.path("commits").asLong())
                .as("the window's commits: ours and the server's other work, never the since-start total")
                .isBetween(7L, commitsAfter - commitsBefore + 50);
        assertThat(primaryWindow.path("wal_bytes").asLong()).isPositive();
    }

    @Test
    void everyStatementOfARequestIsCreditedToItsRoute() throws Exception {
        HistoryJob job = app.bean(HistoryJob.class);
        long from = snapshot(job);
        HttpResponse<String> signIn = app.post(
                "/api/v1/sessions", null, "{\"email\":\"teacher1@northwood.demo\",\"password\":\"classbase-demo\"}");
        assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(201);
        String teacher = TestApp.json(signIn).path("token").asString();
        long listStatements = 0;
        long listed = 0;
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = app.get("/api/v1/courses?limit=5", teacher);
            assertThat(r.statusCode()).isEqualTo(200);
            listStatements += Long.parseLong(
                    r.headers().firstValue("Classbase-Query-Count").orElseThrow());
            listed += TestApp.json(r).path("items").size();
        }
        long to = snapshot(job);

        JsonNode body = ok("/api/v1/admin/database/queries/endpoints?from=" + from + "&to=" + to);
        Map<String, JsonNode> rows = new java.util.HashMap<>();
        body.path("endpoints").forEach(e -> rows.put(e.path("endpoint").asString(), e));
        // a course list runs the tenant binding and its own statements (on a replica, in one round
        // trip): its own are the route's, the binding is not
        JsonNode list = rows.get("route:GET /api/v1/courses");
        assertThat(list).as(body.toString()).isNotNull();
        assertThat(list.path("calls").asLong()).as(body.toString()).isEqualTo(listStatements - 3);
        assertThat(list.path("rows").asLong())
                .as("the courses read (a page and one to look ahead), not the binding's one row")
                .isGreaterThanOrEqualTo(listed);
        assertThat(list.path("kind").asString()).isEqualTo("route");
        // the binding is every read's and the WAL position every write's: buckets of their own
        assertThat(rows.get("data:tenant-binding")).as(body.toString()).isNotNull();
        assertThat(rows.get("data:tenant-binding").path("calls").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(rows.get("data:tenant-binding").path("kind").asString()).isEqualTo("data");
        assertThat(rows.get("data:wal-position")).as(body.toString()).isNotNull();
        JsonNode signInRow = rows.get("route:POST /api/v1/sessions");
        long signInStatements = Long.parseLong(
                signIn.headers().firstValue("Classbase-Query-Count").orElseThrow());
        assertThat(signInRow.path("calls").asLong())
                .as("sign-in without its tenant binding and WAL-position probe: " + body)
                .isEqualTo(signInStatements - 2);
    }

    private static JsonNode ok(String path) {
        HttpResponse<String> r = app.get(path, operator);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return TestApp.json(r);
    }

    private static List<JsonNode> rowsWith(JsonNode statements, String marker) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode row : statements) {
            String query = row.path("query").asString();
            if (query.contains(marker) && !query.contains("pg_stat_statements") && !query.contains("CREATE")) {
                found.add(row);
            }
        }
        return found;
    }

    private static List<String> names(JsonNode rows, String field) {
        List<String> names = new ArrayList<>();
        rows.forEach(r -> names.add(r.path(field).asString()));
        return names;
    }

    private static JsonNode server(JsonNode servers, String name) {
        for (JsonNode s : servers) {
            if (s.path("server").asString().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no server " + name + " in " + servers);
    }

    private static void run(DataSource ds, String sql, int times) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < times; i++) {
                ps.setInt(1, i);
                ps.executeQuery().close();
            }
        }
    }

    private static long serverCalls(DataSource server, String marker) throws SQLException {
        try (Connection c = server.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements"
                        + " WHERE query LIKE '%' || ? || '%' AND query NOT LIKE '%pg_stat_statements%'")) {
            ps.setString(1, marker);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Long commits(DataSource server) {
        try (Connection c = server.getConnection();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
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
        return r.snapshotId();
    }

    private static long taken(HistorySnapshot snapshot) throws InterruptedException {
        HistorySnapshot.Result r = Await.until(Duration.ofSeconds(30), () -> {
            try {
                HistorySnapshot.Result x = snapshot.run(true);
                return x.outcome() == HistorySnapshot.Outcome.TAKEN ? x : null;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        return r.snapshotId();
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = cluster.superuserDataSource().getConnection();
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
