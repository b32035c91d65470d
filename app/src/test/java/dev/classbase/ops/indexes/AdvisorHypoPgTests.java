package dev.classbase.ops.indexes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.Cli;
import dev.classbase.testsupport.OsPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * The advisor with HypoPG, on the operating system's PostgreSQL 15 (its hypopg package), started
 * by this test with pg_stat_statements preloaded and stopped at the end. A 200,000-row table with a
 * planted missing index, a statement an existing btree serves and three GIN indexes serve (one of
 * them, equality on a trigram-indexed column, a btree would serve more cheaply: the coverage rule,
 * not the cost, keeps it out): only the missing one is suggested, validated, and once created
 * nothing is left to suggest.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdvisorHypoPgTests {
    private static OsPostgres server;
    private static DataSource owner;
    private static DataSource monitor;

    @BeforeAll
    static void start() throws SQLException {
        server = OsPostgres.start(15, Map.of("shared_preload_libraries", "pg_stat_statements"));
        try (Connection c = server.dataSource("postgres").getConnection();
                Statement s = c.createStatement()) {
            s.execute("create database advisor");
        }
        owner = server.dataSource("advisor");
        try (Connection c = owner.getConnection();
                Statement s = c.createStatement()) {
            s.execute("""
                create extension pg_stat_statements;
                create extension hypopg;
                create extension pg_trgm;
                create table lessons (id bigint primary key, course_id int not null, status text not null,
                                      score int not null, tags text[] not null, body text);
                insert into lessons
                select g, g % 4000, case when g % 10 = 0 then 'draft' else 'published' end, g % 100,
                       array['t' || (g % 500)], md5(g::text)
                from generate_series(1, 200000) g;
                create index lessons_status_score on lessons (status, score);
                create index lessons_tags_gin on lessons using gin (tags);
                create index lessons_body_trgm on lessons using gin (body gin_trgm_ops);
                create table submissions (id bigint primary key, student_id int not null,
                                          created_at timestamptz not null, reviewed_at timestamptz);
                insert into submissions
                select g, g % 2000, timestamptz '2026-01-01' + g * interval '1 minute',
                       case when g % 100 = 0 then null else timestamptz '2026-06-01' end
                from generate_series(1, 200000) g;
                analyze submissions;
                analyze lessons;
                -- a monitoring role like classbase_app: no superuser, pg_monitor, may read the table
                create role advisor_app login;
                grant pg_monitor to advisor_app;
                grant select on lessons, submissions to advisor_app;
                select pg_stat_statements_reset();
                """);
            for (int i = 0; i < 30; i++) {
                run(c, "select id, score from lessons where course_id = ?", i);
                run(c, "select id from lessons where status = ? and score = ?", "draft", i);
                run(c, "select id from lessons where tags = ?::text[]", "{t" + i + "}");
                run(c, "select id from lessons where tags @> ?::text[]", "{t" + i + "}");
                // a btree on body would cut this plan's cost by about 60 %; the trigram index owns body
                run(c, "select id from lessons where body = ?", "x" + i);
                // equality then range: the composite beats the student_id index by far more than 10 %
                run(
                        c,
                        "select id from submissions where student_id = ? and created_at > now() - ?::interval",
                        i,
                        "7 days");
                // the review queue: 1 % of rows unreviewed, oldest first; only a partial index reads just those
                run(c, "select id from submissions where reviewed_at is null order by created_at limit 10");
            }
        }
        monitor = server.dataSource("advisor", "advisor_app");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static void run(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // read every row, as the application would
                }
            }
        }
    }

    @Test
    @Order(1)
    void suggestsExactlyThePlantedMissingIndexValidated() throws SQLException {
        try (SingleConnectionDataSource one = new SingleConnectionDataSource(monitor.getConnection(), true)) {
            SuggestionReport r = new Advisor(one, AdvisorProperties.defaults()).suggest();
            assertThat(r.statementsAvailable()).isTrue();
            assertThat(r.validated()).as(r.note()).isTrue();
            assertThat(r.skipped()).isEmpty();
            assertThat(r.suggestions())
                    .as(r.suggestions().toString())
                    .extracting(x -> x.table() + x.columns() + (x.predicate() == null ? "" : " where " + x.predicate()))
                    .containsExactlyInAnyOrder(
                            "lessons[course_id]",
                            "submissions[student_id, created_at]",
                            "submissions[created_at] where reviewed_at is null");
            assertThat(r.suggestions()).allSatisfy(x -> {
                assertThat(x.validated()).isTrue();
                assertThat(x.cutPercent()).isGreaterThanOrEqualTo(50.0);
            });
            Suggestion s = r.suggestions().stream()
                    .filter(x -> x.table().equals("lessons"))
                    .findFirst()
                    .orElseThrow();
            assertThat(s.table()).isEqualTo("lessons");
            assertThat(s.columns()).containsExactly("course_id");
            assertThat(s.method()).isEqualTo("btree");
            assertThat(s.predicate()).isNull();
            assertThat(s.validated()).isTrue();
            assertThat(s.cutPercent()).isGreaterThanOrEqualTo(50.0);
            assertThat(s.costAfter()).isLessThan(s.costBefore() / 2);
            assertThat(s.statement().query()).contains("course_id = $1");
            assertThat(s.createStatement())
                    .isEqualTo(
                            "create index concurrently if not exists lessons_course_id_idx on public.lessons (course_id);");
            assertThat(r.covered())
                    .extracting(k -> k.columns() + " " + k.coveredBy() + " " + k.method())
                    .contains(
                            "[status, score] lessons_status_score btree",
                            "[tags] lessons_tags_gin gin",
                            "[body] lessons_body_trgm gin");

            // the session is left clean: no hypothetical index, no prepared statement, no open transaction
            Connection c = one.getConnection();
            assertThat(c.getAutoCommit()).isTrue();
            try (Statement q = c.createStatement();
                    ResultSet rs = q.executeQuery(
                            "select (select count(*) from hypopg()), (select count(*) from pg_prepared_statements where from_sql)")) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
                assertThat(rs.getLong(2)).isZero();
            }
        }
    }

    @Test
    @Order(2)
    void aHigherBarAndACreatedIndexLeaveNothingToSuggest() throws Exception {
        Advisor advisor = new Advisor(monitor, AdvisorProperties.defaults().withMinCutPercent(100));
        assertThat(advisor.suggest().suggestions()).isEmpty();

        // the command line writes the same suggestion as a Flyway script after the highest version
        Path dir = Files.createTempDirectory("advisor-migrations");
        Files.writeString(dir.resolve("V41__views.sql"), "select 1;");
        Cli.Result cli = Cli.run(
                Map.of("CLASSBASE_DATABASE_URL", "postgresql://postgres@127.0.0.1:" + server.port() + "/advisor"),
                Duration.ofSeconds(120),
                "indexes",
                "suggest",
                "--migration",
                "--migration-dir",
                dir.toString(),
                "--out",
                dir.toString());
        assertThat(cli.exitCode()).as(cli.output()).isZero();
        assertThat(cli.stdout()).contains("validated with HypoPG").contains("public.lessons (course_id)");
        Path script = dir.resolve("V42__index_suggestions.sql");
        assertThat(script).exists();
        String sql = Files.readString(script);
        assertThat(sql)
                .contains("Validated with HypoPG")
                .contains(
                        "\ncreate index concurrently if not exists lessons_course_id_idx on public.lessons (course_id);\n");

        assertThat(sql.lines().filter(l -> l.startsWith("create index concurrently")))
                .hasSize(3);

        // Flyway applies it as it applies classbase's own (outside a transaction: CONCURRENTLY), and
        // the advisor has nothing left to say
        MigrateResult applied = Flyway.configure()
                .dataSource(owner)
                .locations("filesystem:" + dir)
                .mixed(true)
                .configuration(Map.of("flyway.postgresql.transactional.lock", "false"))
                .baselineOnMigrate(true)
                .baselineVersion("41")
                .load()
                .migrate();
        assertThat(applied.migrationsExecuted).isEqualTo(1);
        SuggestionReport after = new Advisor(monitor, AdvisorProperties.defaults()).suggest();
        assertThat(after.validated()).isTrue();
        assertThat(after.suggestions()).isEmpty();
    }
}
