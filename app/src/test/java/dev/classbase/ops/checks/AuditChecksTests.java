package dev.classbase.ops.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Planted problems, in the database the console watches: a duplicate index, an unused
 * index of 10 MB or more, a large table read by sequential scans, a table full of dead rows. Each
 * corresponding check fires; disk usage is measured on the data directory's filesystem.
 */
class AuditChecksTests {
    private static final String P = "planted_" + ProcessHandle.current().pid();
    private static TestApp app;
    private static String operator;
    private static DataSource owner;

    @BeforeAll
    static void plant() throws SQLException {
        app = TestApp.shared();
        operator = app.signInOperator();
        owner = TestCluster.shared().primaryDataSource();
        try (Connection c = owner.getConnection();
                Statement s = c.createStatement()) {
            s.execute("""
                    create table %1$s_dup (id bigint primary key, a int);
                    insert into %1$s_dup select g, g %% 100 from generate_series(1, 1000) g;
                    create index %1$s_dup_a on %1$s_dup (a);
                    create index %1$s_dup_a_again on %1$s_dup (a);

                    create table %1$s_unused (id bigint, v bigint);
                    insert into %1$s_unused select g, g from generate_series(1, 600000) g;
                    create index %1$s_unused_v on %1$s_unused (v);

                    create table %1$s_scanned (id bigint, v int);
                    insert into %1$s_scanned select g, g %% 1000 from generate_series(1, 20000) g;

                    create table %1$s_dead (id bigint, filler text) with (autovacuum_enabled = false);
                    insert into %1$s_dead select g, repeat('x', 50) from generate_series(1, 40000) g;
                    delete from %1$s_dead where id <= 30000;
                    analyze %1$s_dup, %1$s_unused, %1$s_scanned;
                    """.formatted(P));
            for (int i = 0; i < 5; i++) {
                s.executeQuery("select count(*) from " + P + "_scanned where v = 7")
                        .close();
            }
            s.executeQuery("select pg_stat_force_next_flush()").close();
        }
    }

    @AfterAll
    static void clean() throws SQLException {
        try (Connection c = owner.getConnection();
                Statement s = c.createStatement()) {
            s.execute("drop table if exists %1$s_dup, %1$s_unused, %1$s_scanned, %1$s_dead".formatted(P));
        }
    }

    private static JsonNode check(String name) {
        HttpResponse<String> r = app.get("/api/v1/admin/database/checks/" + name, operator);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestApp.json(r);
    }

    /** Statistics reach the views within a second or so: wait for the planted row to show. */
    private static JsonNode firing(String name, String mustMention) throws InterruptedException {
        JsonNode fired = Await.until(Duration.ofSeconds(20), () -> {
            JsonNode now = check(name);
            return now.path("details").toString().contains(mustMention) ? now : null;
        });
        assertThat(fired).as(name + " mentions " + mustMention).isNotNull();
        return fired;
    }

    @Test
    void aDuplicateIndexIsAmber() throws InterruptedException {
        JsonNode dup = firing("duplicate_indexes", P + "_dup_a");
        assertThat(dup.path("status").asString()).isEqualTo("amber");
        assertThat(dup.path("source").asString()).contains("PgHero");
    }

    @Test
    void anUnusedIndexOfTenMegabytesIsAmber() throws InterruptedException {
        JsonNode unused = firing("unused_indexes", P + "_unused_v");
        assertThat(unused.path("status").asString()).isEqualTo("amber");
        assertThat(unused.path("note").asString()).contains("primary only");
    }

    @Test
    void aLargeTableReadBySequentialScansIsAMissingIndex() throws InterruptedException {
        JsonNode missing = firing("missing_indexes", P + "_scanned");
        assertThat(missing.path("status").asString()).isEqualTo("amber");
    }

    @Test
    void aTableOfDeadRowsIsBloated() throws InterruptedException {
        JsonNode bloat = firing("table_bloat", P + "_dead");
        assertThat(bloat.path("status").asString()).isEqualTo("amber");
        for (JsonNode row : bloat.path("details")) {
            if (row.path("table").asString().equals(P + "_dead")) {
                assertThat(row.path("dead_rows").asLong()).isEqualTo(30_000);
                assertThat(row.path("dead_percent").asDouble()).isEqualTo(75.0);
            }
        }
    }

    @Test
    void diskUsageIsMeasuredOnTheDataDirectorysFilesystem() {
        JsonNode disk = check("disk_usage");
        assertThat(disk.path("status").asString()).isIn("green", "amber", "red");
        JsonNode row = disk.path("details").get(0);
        assertThat(row.path("filesystem_bytes").asLong()).isPositive();
        double used = row.path("used_percent").asDouble();
        assertThat(used).isBetween(0.0, 100.0);
        String expected = used > AuditChecks.DISK_RED ? "red" : used > AuditChecks.DISK_AMBER ? "amber" : "green";
        assertThat(disk.path("status").asString()).isEqualTo(expected);
    }
}
