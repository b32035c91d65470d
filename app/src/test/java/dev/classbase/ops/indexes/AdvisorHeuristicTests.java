package dev.classbase.ops.indexes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.TestCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The advisor on the embedded PostgreSQL 17, which has no HypoPG: heuristic suggestions, each marked
 * not validated, and a note that says why and how to enable validation. Without pg_stat_statements
 * in the database it says so and suggests nothing.
 */
class AdvisorHeuristicTests {

    /** A 30,000-row table read by a column without an index, one read by its key, and a small one. */
    static DataSource plant(String database) throws SQLException {
        DataSource db = TestCluster.shared().freshDatabase(database);
        DataSource superuser = TestCluster.dataSource(TestCluster.shared()
                .cluster()
                .superuser(TestCluster.shared().cluster().primary())
                .database(database));
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            s.execute("""
                create table big (id bigint primary key, v int not null, note text);
                insert into big select g, g % 3000, 'n' || g from generate_series(1, 30000) g;
                create table small (id int primary key, v int);
                insert into small select g, g from generate_series(1, 100) g;
                analyze big, small;
                """);
        }
        try (Connection c = superuser.getConnection();
                Statement s = c.createStatement()) {
            s.execute("create extension if not exists pg_stat_statements");
        }
        try (Connection c = db.getConnection()) {
            for (int i = 0; i < 10; i++) {
                run(c, "select id, note from big where v = ?", i);
                run(c, "select note from big where id = ?", i);
                run(c, "select id from small where v = ?", i);
            }
        }
        return db;
    }

    private static void run(Connection c, String sql, int value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // read every row
                }
            }
        }
    }

    @Test
    void withoutHypoPgSuggestionsAreHeuristicAndSaySo() throws SQLException {
        DataSource db = plant("advisor_heuristic");
        SuggestionReport r = new Advisor(db, AdvisorProperties.defaults()).suggest();
        assertThat(r.statementsAvailable()).isTrue();
        assertThat(r.validated()).isFalse();
        assertThat(r.note())
                .startsWith("not available: the hypopg extension is not created in this database")
                .contains("postgresql-17-hypopg")
                .contains("CREATE EXTENSION hypopg");
        assertThat(r.suggestions()).as(r.suggestions().toString()).hasSize(1);
        Suggestion s = r.suggestions().getFirst();
        assertThat(s.table()).isEqualTo("big");
        assertThat(s.columns()).containsExactly("v");
        assertThat(s.validated()).isFalse();
        assertThat(s.costBefore()).isPositive();
        assertThat(s.costAfter()).isNull();
        assertThat(s.cutPercent()).isNull();
        assertThat(s.reason()).contains("heuristic");
        assertThat(s.createStatement())
                .isEqualTo("create index concurrently if not exists big_v_idx on public.big (v);");
        assertThat(r.covered())
                .extracting(k -> k.table() + k.columns() + " " + k.coveredBy())
                .contains("big[id] big_pkey");

        String script = SuggestionMigration.render(r, false, java.time.Instant.EPOCH);
        assertThat(script)
                .contains("-- NOT validated (not available: the hypopg extension")
                .contains("\n-- create index concurrently if not exists big_v_idx on public.big (v);\n");
        assertThat(SuggestionMigration.createsAnything(r, false)).isFalse();
        assertThat(SuggestionMigration.render(r, true, java.time.Instant.EPOCH))
                .contains("\ncreate index concurrently if not exists big_v_idx on public.big (v);\n");
    }

    @Test
    void withoutPgStatStatementsItSaysHowToEnableIt() throws SQLException {
        DataSource db = TestCluster.shared().freshDatabase("advisor_no_statements");
        SuggestionReport r = new Advisor(db, AdvisorProperties.defaults()).suggest();
        assertThat(r.statementsAvailable()).isFalse();
        assertThat(r.note()).contains("shared_preload_libraries").contains("CREATE EXTENSION pg_stat_statements");
        assertThat(r.suggestions()).isEmpty();
    }
}
