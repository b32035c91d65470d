package dev.classbase.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.testsupport.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write ledger's checker on a database holding one of each write, with a lost and a duplicate planted. */
class LedgerCheckTests {
    private static DataSource db;

    @BeforeAll
    static void writes() throws Exception {
        db = TestCluster.shared().freshDatabase("ledger_check");
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            s.execute("""
                    insert into tenants (id, name, slug) values (7, 'Ledger School', 'ledger');
                    insert into users (tenant_id, id, email, full_name, role) values
                        (7, 70, 'teacher1@ledger.demo', 'Tess Teacher', 'teacher'),
                        (7, 71, 'student1@ledger.demo', 'Stu Dent', 'student');
                    insert into courses (tenant_id, id, title, category, status, instructor_id)
                        values (7, 700, 'Tide Pools', 'science', 'published', 70);
                    insert into sections (tenant_id, id, course_id, name, term) values (7, 7000, 700, 'A', '2026');
                    insert into enrollments (tenant_id, id, course_id, section_id, user_id) values (7, 7100, 700, 7000, 71);
                    insert into assignments (tenant_id, id, course_id, title) values (7, 7200, 700, 'Essay');
                    insert into submissions (tenant_id, id, assignment_id, user_id, status, score, idempotency_key)
                        values (7, 7300, 7200, 71, 'graded', 88.00, 'key-1');
                    insert into exercises (tenant_id, id, title, difficulty, programming_language, prompt)
                        values (7, 7400, 'Loops', 'easy', 'python', 'sum 1..n'),
                               (7, 7401, 'Maps', 'easy', 'python', 'count words');
                    insert into user_exercises (tenant_id, id, user_id, exercise_id, status, score, completed_at)
                        values (7, 7500, 71, 7400, 'completed', 90, now()),
                               (7, 7501, 71, 7401, 'completed', 80, now()),
                               (7, 7502, 71, 7401, 'completed', 80, now());
                    insert into analytics_events (tenant_id, user_id, kind, payload, occurred_at)
                    select 7, 71, 'lesson_viewed', jsonb_build_object('ledger', 'batch-1', 'n', n), now()
                    from generate_series(1, 3) as n;
                    """);
        }
    }

    @Test
    void acknowledgedWritesTheDatabaseHoldsOnceAreClean() throws Exception {
        var result = check(List.of(
                new LedgerCheck.Entry("submission", 7, 71, "key-1", "7300"),
                new LedgerCheck.Entry("enrollment", 7, 71, "700", "7100"),
                new LedgerCheck.Entry("completion", 7, 71, "7400", "7500"),
                new LedgerCheck.Entry("events", 7, 71, "batch-1", "3"),
                new LedgerCheck.Entry("grade", 7, 70, "88", "7300")));

        assertThat(result.checked())
                .isEqualTo(Map.of("completion", 1, "enrollment", 1, "events", 1, "grade", 1, "submission", 1));
        assertThat(result.lost()).isEmpty();
        assertThat(result.duplicates()).isEmpty();
    }

    @Test
    void findsAPlantedLostWriteAndAPlantedDuplicate() throws Exception {
        var lostSubmission = new LedgerCheck.Entry("submission", 7, 71, "key-never-stored", "7399");
        var twiceCompleted = new LedgerCheck.Entry("completion", 7, 71, "7401", "7501");
        var result = check(
                List.of(new LedgerCheck.Entry("submission", 7, 71, "key-1", "7300"), lostSubmission, twiceCompleted));

        assertThat(result.lost()).containsExactly(new LedgerCheck.Finding("lost", lostSubmission, 0));
        assertThat(result.duplicates()).containsExactly(new LedgerCheck.Finding("duplicate", twiceCompleted, 2));
    }

    @Test
    void eventsAndGradesCompareCountsAndValues() throws Exception {
        var fewerAcknowledged = new LedgerCheck.Entry("events", 7, 71, "batch-1", "2");
        var batchNeverStored = new LedgerCheck.Entry("events", 7, 71, "batch-2", "5");
        var otherScore = new LedgerCheck.Entry("grade", 7, 70, "75.5", "7300");
        var result = check(List.of(fewerAcknowledged, batchNeverStored, otherScore));

        assertThat(result.duplicates()).containsExactly(new LedgerCheck.Finding("duplicate", fewerAcknowledged, 3));
        assertThat(result.lost())
                .containsExactlyInAnyOrder(
                        new LedgerCheck.Finding("lost", batchNeverStored, 0),
                        new LedgerCheck.Finding("lost", otherScore, 0));
    }

    @Test
    void readsLedgerFilesCountingARepeatedAcknowledgementOnceAndTheLastGrade(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("ledger-g1.tsv"), """
                enrollment\t7\t71\t700\t7100
                grade\t7\t70\t50\t7300
                """);
        Path b = Files.writeString(dir.resolve("ledger-g2.tsv"), """
                enrollment\t7\t71\t700\t7100
                grade\t7\t70\t88\t7300
                """);

        var entries = LedgerCheck.read(List.of(a, b));

        assertThat(entries)
                .containsExactly(
                        new LedgerCheck.Entry("enrollment", 7, 71, "700", "7100"),
                        new LedgerCheck.Entry("grade", 7, 70, "88", "7300"));
        assertThat(check(entries).lost()).isEmpty();
    }

    @Test
    void aLineThatIsNotALedgerLineIsNamed(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("ledger.tsv"), "refund\t7\t71\tx\t1\n");

        assertThatThrownBy(() -> LedgerCheck.read(List.of(bad)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ledger.tsv:1: not a ledger line");
    }

    private static LedgerCheck.Result check(List<LedgerCheck.Entry> entries) throws Exception {
        try (Connection c = db.getConnection()) {
            return LedgerCheck.check(c, entries);
        }
    }
}
