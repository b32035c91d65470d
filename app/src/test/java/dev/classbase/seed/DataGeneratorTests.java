package dev.classbase.seed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.testsupport.TestCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Generates the demo dataset into fresh databases of the shared test cluster. The first two
 * databases get the same (seed, asOf), so they must be identical row for row.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DataGeneratorTests {
    private static final LocalDate AS_OF = LocalDate.of(2026, 3, 16);
    private static final long SEED = 42;

    private static DataSource first;
    private static DataSource second;
    private static final List<int[]> progress = new ArrayList<>();

    @BeforeAll
    static void generateTwice() {
        TestCluster cluster = TestCluster.shared();
        first = cluster.freshDatabase("seed_first");
        second = cluster.freshDatabase("seed_second");
        assertThat(new DataGenerator(first).isEmpty()).isTrue();
        new DataGenerator(first)
                .generate(
                        Scale.DEMO,
                        SEED,
                        AS_OF,
                        "$2a$10$not.a.real.hash",
                        (done, total, label) -> progress.add(new int[] {done, total}));
        new DataGenerator(second).generate(Scale.DEMO, SEED, AS_OF, null, null);
    }

    @Test
    @Order(1)
    void sameSeedAndDateGiveIdenticalData() {
        DatasetChecksum checksum = new DatasetChecksum();
        Map<String, String> sums = checksum.checksums(first);
        assertThat(sums).containsKeys("users", "submissions", "analytics_events", "progress", "user_sessions");
        // the password hash differs between the two runs and is left out of the checksum
        assertThat(sums).isEqualTo(checksum.checksums(second));
    }

    @Test
    @Order(2)
    void anotherSeedGivesOtherData() {
        DataSource other = TestCluster.shared().freshDatabase("seed_other");
        new DataGenerator(other).generate(Scale.DEMO, SEED + 1, AS_OF, null, ProgressListener.NONE);
        Map<String, String> mine = new DatasetChecksum().checksums(first);
        Map<String, String> theirs = new DatasetChecksum().checksums(other);
        assertThat(theirs.get("users")).isNotEqualTo(mine.get("users"));
        assertThat(theirs.get("submissions")).isNotEqualTo(mine.get("submissions"));
        assertThat(theirs.get("analytics_events")).isNotEqualTo(mine.get("analytics_events"));
    }

    @Test
    @Order(3)
    void rowCountsAreWhatTheScaleDeclares() {
        Map<String, Long> counts = new DatasetChecksum().rowCounts(first);
        assertThat(counts).containsAllEntriesOf(Scale.DEMO.tableSizes());
    }

    @Test
    @Order(3)
    void rowCountsByPlainCountsAreWhatTheScaleDeclares() throws SQLException {
        // counted here, not by DatasetChecksum: a plain count(*) per table, then per tenant
        Map<String, Long> declared = Scale.DEMO.tableSizes();
        assertThat(declared).containsKeys("tenants", "users", "courses", "submissions", "analytics_events");
        for (Map.Entry<String, Long> table : declared.entrySet()) {
            assertThat(queryLong(first, "select count(*) from " + table.getKey()))
                    .as(table.getKey())
                    .isEqualTo(table.getValue());
        }
        for (String table : List.of("users", "courses", "enrollments", "submissions")) {
            List<long[]> perTenant = new ArrayList<>();
            try (Connection connection = first.getConnection();
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery(
                            "select tenant_id, count(*) from " + table + " group by tenant_id order by tenant_id")) {
                while (rows.next()) {
                    perTenant.add(new long[] {rows.getLong(1), rows.getLong(2)});
                }
            }
            assertThat(perTenant).as(table + ": every tenant has rows").hasSize((int) Scale.DEMO.tenants());
            assertThat(perTenant.stream().mapToLong(r -> r[1]).sum()).as(table).isEqualTo(declared.get(table));
        }
    }

    @Test
    @Order(4)
    void counterCachesEqualTheRealCounts() throws SQLException {
        String[][] counters = {
            {"courses", "enrollments_count", "enrollments", "course_id"},
            {"courses", "assignments_count", "assignments", "course_id"},
            {"assignments", "submissions_count", "submissions", "assignment_id"},
            {"quizzes", "quiz_attempts_count", "quiz_attempts", "quiz_id"},
            {"discussions", "discussion_posts_count", "discussion_posts", "discussion_id"},
            {"portfolios", "portfolio_entries_count", "portfolio_entries", "portfolio_id"},
            {"question_banks", "questions_count", "questions", "question_bank_id"},
            {"unit_plans", "unit_versions_count", "unit_versions", "unit_plan_id"},
        };
        for (String[] c : counters) {
            String drift = """
                    select count(*) from %1$s as p
                    where p.%2$s <> (select count(*) from %3$s as c where c.tenant_id = p.tenant_id and c.%4$s = p.id)
                    """.formatted((Object[]) c);
            String total = "select coalesce(sum(%2$s), 0) from %1$s".formatted((Object[]) c);
            assertThat(queryLong(first, drift))
                    .as(c[0] + "." + c[1] + " rows off")
                    .isZero();
            assertThat(queryLong(first, total))
                    .as(c[0] + "." + c[1] + " total")
                    .isEqualTo(Scale.DEMO.tableSizes().get(c[2]));
        }
    }

    @Test
    @Order(5)
    void identitySequencesContinueAfterTheGeneratedIds() throws SQLException {
        try (Connection connection = first.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery(
                            "insert into tenants (name, slug) values ('Probe', 'probe') returning id")) {
                rows.next();
                assertThat(rows.getLong(1)).isGreaterThan(Scale.DEMO.tenants());
            } finally {
                connection.rollback();
            }
        }
    }

    @Test
    @Order(6)
    void reportsProgressUpToTheEnd() {
        assertThat(progress).isNotEmpty();
        int total = progress.getFirst()[1];
        assertThat(progress).allSatisfy(step -> assertThat(step[1]).isEqualTo(total));
        assertThat(progress.stream().mapToInt(step -> step[0])).isSorted();
        assertThat(progress.getLast()[0]).isEqualTo(total);
    }

    @Test
    @Order(7)
    void refusesADatabaseThatHoldsData() {
        DataGenerator generator = new DataGenerator(second);
        assertThat(generator.isEmpty()).isFalse();
        assertThatThrownBy(() -> generator.generate(Scale.DEMO, SEED, AS_OF, null, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already holds data");
    }

    @Test
    @Order(8)
    void resetEmptiesEveryTable() throws SQLException {
        DataGenerator generator = new DataGenerator(second);
        generator.reset();
        assertThat(generator.isEmpty()).isTrue();
        assertThat(new DatasetChecksum().rowCounts(second))
                .allSatisfy((table, rows) -> assertThat(rows).as(table).isZero());
        // and by a plain count of every table the scale fills
        for (String table : Scale.DEMO.tableSizes().keySet()) {
            assertThat(queryLong(second, "select count(*) from " + table))
                    .as(table)
                    .isZero();
        }
    }

    private static long queryLong(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
