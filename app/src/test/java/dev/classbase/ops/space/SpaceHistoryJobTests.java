package dev.classbase.ops.space;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Daily space snapshots: taken once a day, growth read back per relation, old days deleted. */
class SpaceHistoryJobTests {
    private static TestApp app;
    private static String operator;
    private static DataSource owner;

    @BeforeAll
    static void start() {
        app = TestApp.shared();
        operator = app.signInOperator();
        owner = TestCluster.shared().primaryDataSource();
    }

    @Test
    void aSnapshotADayAndGrowthFromTheEarlierDays() throws Exception {
        SpaceHistoryJob job = app.bean(SpaceHistoryJob.class);
        SpaceHistoryJob.Result first = run(job, true);
        assertThat(first.outcome()).isEqualTo(SpaceHistoryJob.Outcome.TAKEN);
        assertThat(first.relations()).isPositive();
        long today = count("SELECT count(*) FROM space_history WHERE taken_on = current_date");
        // the server's own scheduled snapshot of the day may have run too, while other test
        // classes created tables: the day holds at least this run's relations (once each: the key)
        assertThat(today).isGreaterThanOrEqualTo(first.relations());
        assertThat(count("SELECT count(*) FROM space_history WHERE taken_on = current_date AND kind = 'index'"
                        + " AND name = 'users_pkey'"))
                .isEqualTo(1);
        // the day's snapshot exists: the next tick does nothing
        assertThat(run(job, false).outcome()).isEqualTo(SpaceHistoryJob.Outcome.NOT_DUE);
        assertThat(count("SELECT count(*) FROM space_history WHERE taken_on = current_date"))
                .isEqualTo(today);

        // the users table three days ago, 1 MB smaller
        exec("""
                INSERT INTO space_history (taken_on, kind, schema_name, name, table_name, bytes)
                SELECT current_date - 3, kind, schema_name, name, table_name, greatest(bytes - 1048576, 0)
                FROM space_history WHERE taken_on = current_date AND kind = 'table' AND name = 'users'
                ON CONFLICT DO NOTHING""");
        HttpResponse<String> r = app.get("/api/v1/admin/database/space/history?days=30&limit=500", operator);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = TestApp.json(r);
        assertThat(body.path("totals").size()).isGreaterThanOrEqualTo(2);
        JsonNode users = null;
        for (JsonNode rel : body.path("relations")) {
            if (rel.path("kind").asString().equals("table")
                    && rel.path("name").asString().equals("users")) {
                users = rel;
            }
        }
        assertThat(users).as(body.toString()).isNotNull();
        assertThat(users.path("days").asInt()).isEqualTo(2);
        assertThat(users.path("growth_bytes").asLong())
                .isEqualTo(users.path("last_bytes").asLong()
                        - users.path("first_bytes").asLong())
                .isPositive();
    }

    @Test
    void daysPastTheRetentionAreDeleted() throws Exception {
        exec("""
                INSERT INTO space_history (taken_on, kind, schema_name, name, table_name, bytes)
                SELECT current_date - 91 - g, 'table', 'public', 'old_' || g, 'old_' || g, 1 FROM generate_series(0, 9) g""");
        run(app.bean(SpaceHistoryJob.class), false);
        assertThat(count("SELECT count(*) FROM space_history WHERE taken_on < current_date - 90"))
                .isZero();
    }

    @Test
    void badInputIs400AndOnlyOperatorsMayRead() {
        assertThat(app.get("/api/v1/admin/database/space/history?days=0", operator)
                        .statusCode())
                .isEqualTo(400);
        HttpResponse<String> r = app.get("/api/v1/admin/database/space/history?days=91", operator);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("days");
        String path = "/api/v1/admin/database/space/history";
        assertThat(app.get(path, null).statusCode()).isEqualTo(401);
        assertThat(app.get(path, app.signIn("student1@northwood.demo")).statusCode())
                .isEqualTo(403);
    }

    private static SpaceHistoryJob.Result run(SpaceHistoryJob job, boolean force) throws InterruptedException {
        return Await.until(Duration.ofSeconds(30), () -> {
            try {
                SpaceHistoryJob.Result r = job.run(force);
                return r.outcome() == SpaceHistoryJob.Outcome.SKIPPED_LOCKED ? null : r;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static void exec(String sql) throws SQLException {
        try (Connection c = owner.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = owner.getConnection();
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
