package dev.classbase.ops.indexes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.ops.indexes.CandidateParser.ColumnUse;
import dev.classbase.ops.indexes.CandidateParser.Parsed;
import dev.classbase.ops.indexes.CandidateParser.TableRef;
import dev.classbase.ops.indexes.CandidateParser.Use;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The advisor's reading of normalized statement text, and the candidates and coverage rule built on it. */
class CandidateParserTests {

    @Test
    void readsTablesAliasesPredicatesJoinsAndOrder() {
        Parsed p = CandidateParser.parse("""
                select e.id, c.title from enrollments as e
                join courses c on c.id = e.course_id
                where e.tenant_id = $1 and e.status in ($2, $3) and e.created_at >= $4
                  and c.deleted_at is null and $5 = c.category
                order by e.created_at desc, e.id limit $6
                """);
        assertThat(p.single()).isTrue();
        assertThat(p.tables())
                .containsExactly(new TableRef(null, "enrollments", "e"), new TableRef(null, "courses", "c"));
        assertThat(p.uses())
                .containsExactly(
                        new ColumnUse("c", "id", Use.JOIN, null, false),
                        new ColumnUse("e", "course_id", Use.JOIN, null, false),
                        new ColumnUse("e", "tenant_id", Use.EQUALITY, null, false),
                        new ColumnUse("e", "status", Use.EQUALITY, null, false),
                        new ColumnUse("e", "created_at", Use.RANGE, null, false),
                        new ColumnUse("c", "deleted_at", Use.IS_NULL, null, false),
                        new ColumnUse("c", "category", Use.EQUALITY, null, false),
                        new ColumnUse("e", "created_at", Use.ORDER, null, true),
                        new ColumnUse("e", "id", Use.ORDER, null, false));
    }

    @Test
    void leavesOutWhatAnIndexOnTheBareColumnCannotServe() {
        Parsed p = CandidateParser.parse(
                "select * from public.t where lower(name) = $1 and created_at::date = $2 and tags @> $3"
                        + " and title like $4 and a <> $5 and b = 'x' and flag = true");
        assertThat(p.tables()).containsExactly(new TableRef("public", "t", null));
        assertThat(p.uses())
                .containsExactly(
                        new ColumnUse(null, "b", Use.EQUALITY, "'x'", false),
                        new ColumnUse(null, "flag", Use.EQUALITY, "true", false));
    }

    @Test
    void setClausesAreNotPredicatesAndSeveralStatementsAreRefused() {
        Parsed update = CandidateParser.parse("update lessons set score = $1 where course_id = $2");
        assertThat(update.single()).isTrue();
        assertThat(update.uses()).containsExactly(new ColumnUse(null, "course_id", Use.EQUALITY, null, false));
        assertThat(CandidateParser.parse("select 1; select 2").single()).isFalse();
        assertThat(CandidateParser.parse("insert into t values ($1)").single()).isFalse();
        Parsed sub =
                CandidateParser.parse("select * from a where a.x in (select b.y from b where b.z = $1) and a.w = $2");
        assertThat(sub.uses())
                .containsExactly(
                        new ColumnUse("a", "x", Use.EQUALITY, null, false),
                        new ColumnUse("b", "z", Use.EQUALITY, null, false),
                        new ColumnUse("a", "w", Use.EQUALITY, null, false));
    }

    private static final CandidateTable LESSONS = new CandidateTable(
            "public",
            "lessons",
            'r',
            200_000,
            Set.of("id", "course_id", "status", "score", "tags", "deleted_at"),
            List.of(
                    new CandidateTable.Existing("lessons_pkey", "btree", true, List.of("id"), null, null),
                    new CandidateTable.Existing(
                            "lessons_status_score", "btree", true, List.of("status", "score"), null, null),
                    new CandidateTable.Existing("lessons_tags_gin", "gin", true, List.of("tags"), null, null),
                    new CandidateTable.Existing(
                            "lessons_live", "btree", true, List.of("course_id"), "(deleted_at IS NULL)", null)));

    @Test
    void candidatesPutEqualityFirstThenRangeAndAddPartialOnes() {
        Parsed p = CandidateParser.parse(
                "select * from lessons where course_id = $1 and score > $2 and deleted_at is null order by id");
        List<Candidate> list = Candidates.build(LESSONS, p.uses(), 20);
        assertThat(list.stream().map(c -> c.columns() + (c.predicate() == null ? "" : " where " + c.predicate())))
                .containsExactly(
                        "[course_id, score]",
                        "[course_id]",
                        "[score]",
                        "[id]",
                        "[course_id, score] where deleted_at is null",
                        "[course_id] where deleted_at is null",
                        "[score] where deleted_at is null",
                        "[id] where deleted_at is null");
        assertThat(list.getFirst().createStatement("lessons_course_id_score_idx"))
                .isEqualTo("create index concurrently if not exists lessons_course_id_score_idx"
                        + " on public.lessons (course_id, score)");
        assertThat(list.get(4).hypotheticalDefinition())
                .isEqualTo("create index on public.lessons (course_id, score) where deleted_at is null");
    }

    @Test
    void existingIndexesOfEveryMethodCoverCandidates() {
        assertThat(covered(List.of("status", "score"), List.of(), null)).isEqualTo("lessons_status_score");
        assertThat(covered(List.of("score", "status"), List.of(), null))
                .as("equality columns in any order")
                .isEqualTo("lessons_status_score");
        assertThat(covered(List.of("status"), List.of(), null)).isEqualTo("lessons_status_score");
        assertThat(covered(List.of("score"), List.of(), null)).isNull();
        assertThat(covered(List.of("status"), List.of("score"), null)).isEqualTo("lessons_status_score");
        assertThat(covered(List.of("tags"), List.of(), null))
                .as("a GIN index owns tags")
                .isEqualTo("lessons_tags_gin");
        assertThat(covered(List.of("course_id", "tags"), List.of(), null)).isEqualTo("lessons_tags_gin");
        assertThat(covered(List.of("course_id"), List.of(), null))
                .as("a partial index does not serve every row")
                .isNull();
        assertThat(covered(List.of("course_id"), List.of(), "deleted_at is null"))
                .isEqualTo("lessons_live");
        assertThat(covered(List.of("id"), List.of(), "deleted_at is null"))
                .as("a full index serves a partial candidate")
                .isEqualTo("lessons_pkey");
    }

    private static String covered(List<String> equality, List<String> tail, String predicate) {
        return Candidates.coveredBy(new Candidate("public", "lessons", equality, tail, predicate, ""), LESSONS)
                .map(CandidateTable.Existing::name)
                .orElse(null);
    }

    @Test
    void migrationVersionsFollowTheHighestOne() {
        assertThat(SuggestionMigration.nextVersion(List.of("V1__a.sql", "V62__b.sql", "V7__c.sql", "README.md")))
                .isEqualTo(63);
        assertThat(SuggestionMigration.nextVersion(List.of())).isEqualTo(1);
    }
}
