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
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a generic plan misses, on the operating system's PostgreSQL 15 with HypoPG, started by this
 * test with {@code log_min_duration_statement = 0} (its log is the test's server log): a query whose
 * only condition is {@code IS NULL} gets a partial index; {@code status = $1} on a column where two
 * values are 0.05 % of the rows each is reported as skewed (the generic plan assumes a third of the
 * rows); the log's literal statements (the extended protocol's {@code execute} with its parameters,
 * and auto_explain's plan) give partial indexes for the rare values.
 */
class AdvisorLiteralTests {
    private static OsPostgres server;
    private static DataSource owner;
    private static Path log;

    @BeforeAll
    static void start() throws Exception {
        server = OsPostgres.start(
                15,
                Map.of(
                        "shared_preload_libraries", "pg_stat_statements",
                        "log_min_duration_statement", "0"));
        try (Connection c = server.dataSource("postgres").getConnection();
                Statement s = c.createStatement()) {
            s.execute("create database literal");
        }
        owner = server.dataSource("literal");
        try (Connection c = owner.getConnection();
                Statement s = c.createStatement()) {
            s.execute("""
                create extension pg_stat_statements;
                create extension hypopg;
                create table orders (id bigint primary key, status text not null, shipped_at timestamptz,
                                     total int not null);
                insert into orders
                select g, case when g % 2000 = 7 then 'failed' when g % 2000 = 11 then 'pending' else 'done' end,
                       case when g % 2000 = 3 then null else timestamptz '2026-01-01' + g * interval '1 minute' end,
                       g % 1000
                from generate_series(1, 200000) g;
                """);
            s.execute("vacuum analyze orders");
            s.execute("select pg_stat_statements_reset()");
            for (int i = 0; i < 30; i++) {
                run(c, "select id, total from orders where status = ?", "failed");
                run(c, "select id, total from orders where shipped_at is null");
            }
        }
        // auto_explain for one session, and only it: its plan is the statement's only record
        try (Connection c = owner.getConnection();
                Statement s = c.createStatement()) {
            s.execute("load 'auto_explain'");
            s.execute("set auto_explain.log_min_duration = 0");
            s.execute("set log_min_duration_statement = -1");
            for (int i = 0; i < 3; i++) {
                s.executeQuery("select id, total from orders where status = 'pending'")
                        .close();
            }
        }
        log = Files.createTempFile("classbase-postgres-", ".log");
        Files.writeString(log, server.log());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (log != null) {
            Files.deleteIfExists(log);
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

    private static List<String> described(SuggestionReport r) {
        return r.suggestions().stream()
                .map(x -> x.table() + x.columns() + (x.predicate() == null ? "" : " where " + x.predicate()))
                .toList();
    }

    @Test
    void anIsNullOnlyQueryGetsAPartialIndexAndASkewedParameterIsSaid() throws SQLException {
        SuggestionReport r = new Advisor(owner, AdvisorProperties.defaults()).suggest();
        assertThat(r.validated()).as(r.note()).isTrue();
        assertThat(r.skipped()).isEmpty();
        assertThat(described(r))
                .as("the generic plan of status = $1 assumes a third of the rows: no index pays")
                .containsExactly("orders[shipped_at] where shipped_at is null");
        Suggestion s = r.suggestions().getFirst();
        assertThat(s.validated()).isTrue();
        assertThat(s.cutPercent()).isGreaterThanOrEqualTo(50.0);
        assertThat(s.createStatement())
                .isEqualTo("create index concurrently if not exists orders_shipped_at_part_idx on public.orders"
                        + " (shipped_at) where shipped_at is null;");

        // the prepared statement's and the literal one's (normalized to $1): each is said
        assertThat(r.skewed()).isNotEmpty().allSatisfy(k -> {
            assertThat(k.table() + "." + k.column()).isEqualTo("orders.status");
            assertThat(k.genericPercent()).isBetween(30.0, 34.0);
            assertThat(k.mostCommon().value()).isEqualTo("done");
            assertThat(k.rare())
                    .extracting(SuggestionReport.ValueShare::value)
                    .containsExactlyInAnyOrder("failed", "pending");
            assertThat(k.rare()).allSatisfy(v -> assertThat(v.percent()).isLessThan(0.5));
        });
    }

    @Test
    void theLogsLiteralStatementsGivePartialIndexesForRareValues() throws Exception {
        List<Suggestion.Statement> logged = ServerLog.heaviest(log, 20);
        assertThat(logged)
                .extracting(Suggestion.Statement::query)
                .as("the execute's parameter in place, and auto_explain's query text")
                .contains(
                        "select id, total from orders where status = 'failed'",
                        "select id, total from orders where status = 'pending'");

        SuggestionReport r = new Advisor(owner, AdvisorProperties.defaults()).suggest(logged);
        assertThat(r.logStatementsExamined()).isEqualTo(logged.size());
        assertThat(described(r))
                .contains(
                        "orders[status] where status = 'failed'",
                        "orders[status] where status = 'pending'",
                        "orders[shipped_at] where shipped_at is null")
                .doesNotContain("orders[status]");
        assertThat(r.suggestions())
                .filteredOn(x -> "status = 'failed'".equals(x.predicate()))
                .singleElement()
                .satisfies(x -> {
                    assertThat(x.validated()).isTrue();
                    assertThat(x.statement().fromLog()).isTrue();
                    assertThat(x.cutPercent()).isGreaterThan(90.0);
                });

        Cli.Result cli = Cli.run(
                Map.of("CLASSBASE_DATABASE_URL", "postgresql://postgres@127.0.0.1:" + server.port() + "/literal"),
                Duration.ofSeconds(120),
                "indexes",
                "suggest",
                "--log",
                log.toString());
        assertThat(cli.exitCode()).as(cli.output()).isZero();
        assertThat(cli.stdout())
                .contains("of them from the log")
                .contains("on public.orders (status) where status = 'failed'")
                .contains("orders.status = $n");
    }
}
