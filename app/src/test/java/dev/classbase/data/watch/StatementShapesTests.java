package dev.classbase.data.watch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatementShapesTests {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            SELECT * FROM course WHERE id = 42                              | SELECT * FROM course WHERE id = ?
            SELECT * FROM course WHERE id = ?                               | SELECT * FROM course WHERE id = ?
            SELECT * FROM course WHERE id = $1                              | SELECT * FROM course WHERE id = ?
            SELECT * FROM course WHERE title = 'Algebra'                    | SELECT * FROM course WHERE title = ?
            SELECT * FROM course WHERE title = 'it''s -- not a comment'     | SELECT * FROM course WHERE title = ?
            SELECT * FROM course WHERE title = E'a\\'b'                     | SELECT * FROM course WHERE title = ?
            SELECT $tag$ body ' with quote $tag$ AS t                       | SELECT ? AS t
            SELECT $$x$$                                                    | SELECT ?
            SELECT 3.14, .5, 1e10, 2.5E-3                                   | SELECT ?, ?, ?, ?
            SELECT * FROM t WHERE score > -5                                | SELECT * FROM t WHERE score > ?
            SELECT a - 1 FROM t                                             | SELECT a - ? FROM t
            SELECT t1.c2 FROM t1                                            | SELECT t1.c2 FROM t1
            SELECT 'x'::text                                                | SELECT ?::text
            SELECT "Col 1" FROM "T"                                         | SELECT "Col 1" FROM "T"
            SELECT * FROM t WHERE id IN (1, 2, 3)                           | SELECT * FROM t WHERE id IN (?)
            SELECT * FROM t WHERE id IN (?,?)                               | SELECT * FROM t WHERE id IN (?)
            SELECT * FROM t WHERE id in ( ? , ? , ? )                       | SELECT * FROM t WHERE id IN (?)
            SELECT * FROM t WHERE id IN (7)                                 | SELECT * FROM t WHERE id IN (?)
            SELECT * FROM t WHERE id = ANY (ARRAY[1, 2, 3])                 | SELECT * FROM t WHERE id = ANY (ARRAY[?])
            INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z')         | INSERT INTO t (a, b) VALUES (?, ?)
            INSERT INTO t (a, b) VALUES (?, now()), (?, now())              | INSERT INTO t (a, b) VALUES (?, now())
            INSERT INTO t (a) VALUES (?) ON CONFLICT (a) DO NOTHING         | INSERT INTO t (a) VALUES (?) ON CONFLICT (a) DO NOTHING
            /* route:GET /x */ SELECT 1                                     | SELECT ?
            SELECT 1 -- trailing comment                                    | SELECT ?
            SELECT /* a /* nested */ comment */ 1                           | SELECT ?
            SELECT 1;                                                       | SELECT ?
            """)
    void normalises(String sql, String shape) {
        assertThat(StatementShapes.of(sql)).isEqualTo(shape);
    }

    @Test
    void collapsesWhitespaceAndLineBreaks() {
        String sql = """
                SELECT id,
                       title
                  FROM course
                 WHERE tenant_id = ?
                   AND id = 17
                """;
        assertThat(StatementShapes.of(sql)).isEqualTo("SELECT id, title FROM course WHERE tenant_id = ? AND id = ?");
    }

    @Test
    void theSameQueryWithOtherValuesHasOneShape() {
        assertThat(StatementShapes.of("SELECT * FROM t WHERE a = 1 AND b IN (1,2) AND c = 'x'"))
                .isEqualTo(StatementShapes.of("SELECT * FROM t WHERE a = 99 AND b IN (5, 6, 7, 8) AND c = 'yy'"))
                .isEqualTo("SELECT * FROM t WHERE a = ? AND b IN (?) AND c = ?");
    }

    @Test
    void differentQueriesKeepDifferentShapes() {
        assertThat(StatementShapes.of("SELECT * FROM course WHERE id = 1"))
                .isNotEqualTo(StatementShapes.of("SELECT * FROM lesson WHERE id = 1"));
    }

    @Test
    void aTextOfSeveralStatementsHasAShapePerStatement() {
        String sql = "/* route:GET /x */ SELECT set_config('app.tenant_id', ?, true);\nSELECT * FROM t WHERE id = 5;";
        assertThat(StatementShapes.statements(sql))
                .containsExactly("SELECT set_config(?, ?, true)", "SELECT * FROM t WHERE id = ?");
        assertThat(StatementShapes.of(sql)).isEqualTo("SELECT set_config(?, ?, true); SELECT * FROM t WHERE id = ?");
        assertThat(StatementShapes.statements("SELECT 'a;b' AS x; ")).containsExactly("SELECT ? AS x");
        assertThat(StatementShapes.statements(";")).containsExactly("");
    }

    @Test
    void anUnterminatedLiteralOrCommentDoesNotLoop() {
        assertThat(StatementShapes.of("SELECT 'abc")).isEqualTo("SELECT ?");
        assertThat(StatementShapes.of("SELECT 1 /* open")).isEqualTo("SELECT ?");
        assertThat(StatementShapes.of("SELECT $a$ open")).isEqualTo("SELECT ?");
        assertThat(StatementShapes.of(null)).isEmpty();
    }
}
