package dev.classbase.ops.indexes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The server log's statements, values in place, from sample log text of each format. */
class ServerLogTests {

    private static List<ServerLog.Entry> parse(String text) {
        ServerLog log = new ServerLog();
        text.lines().forEach(log::accept);
        return log.finish();
    }

    @Test
    void simpleProtocolStatementsOverSeveralLines() {
        List<ServerLog.Entry> e = parse("""
                2026-12-07 16:40:01.123 UTC [4242] LOG:  duration: 12.500 ms  statement: select id
                \tfrom orders
                \twhere status = 'failed'
                2026-12-07 16:40:02.000 UTC [4242] LOG:  checkpoint starting: time
                """);
        assertThat(e).singleElement().satisfies(x -> {
            assertThat(x.ms()).isEqualTo(12.5);
            assertThat(x.line()).isEqualTo(1);
            assertThat(x.sql()).isEqualTo("select id\nfrom orders\nwhere status = 'failed'");
        });
    }

    @Test
    void extendedProtocolExecuteTakesItsParametersByProcess() {
        List<ServerLog.Entry> e = parse("""
                2026-12-07 16:40:01.100 UTC [11] LOG:  duration: 0.100 ms  parse <unnamed>: select id from orders where status = $1
                2026-12-07 16:40:01.101 UTC [11] LOG:  duration: 0.050 ms  bind <unnamed>: select id from orders where status = $1
                2026-12-07 16:40:01.101 UTC [11] DETAIL:  parameters: $1 = 'failed'
                2026-12-07 16:40:01.102 UTC [12] LOG:  duration: 3.000 ms  execute S_1: select * from t where a = $1 and b = $2 and c = '$1'
                2026-12-07 16:40:01.103 UTC [11] LOG:  duration: 7.250 ms  execute <unnamed>: select id from orders where status = $1
                2026-12-07 16:40:01.103 UTC [11] DETAIL:  parameters: $1 = 'it''s, done'
                2026-12-07 16:40:01.104 UTC [12] DETAIL:  parameters: $1 = '5', $2 = NULL
                2026-12-07 16:40:01.105 UTC [13] LOG:  duration: 1.000 ms  execute <unnamed>: select 1 where $1 = 2
                """);
        assertThat(e)
                .extracting(ServerLog.Entry::sql)
                .as("parse and bind are not executions; a $n without its value is pg_stat_statements' business")
                .containsExactlyInAnyOrder(
                        "select id from orders where status = 'it''s, done'",
                        "select * from t where a = '5' and b = NULL and c = '$1'");
        assertThat(e).extracting(ServerLog.Entry::ms).containsExactlyInAnyOrder(7.25, 3.0);
    }

    @Test
    void autoExplainTextAndJson() {
        List<ServerLog.Entry> e = parse("""
                2026-12-07 16:40:01.100 UTC [21] LOG:  duration: 45.123 ms  plan:
                \tQuery Text: select id
                \t  from orders where status = 'pending'
                \tSeq Scan on orders  (cost=0.00..3587.00 rows=100 width=8)
                \t  Filter: (status = 'pending'::text)
                2026-12-07 16:40:01.200 UTC [22] LOG:  duration: 5.000 ms  plan:
                \tQuery Text: select * from t where a = $1
                \tQuery Parameters: $1 = '42'
                \tIndex Scan using t_a on t  (cost=0.29..8.30 rows=1 width=8)
                2026-12-07 16:40:01.300 UTC [23] LOG:  duration: 2.000 ms  plan:
                \t{
                \t  "Query Text": "select * from t where b = 'x'",
                \t  "Plan": {"Node Type": "Seq Scan"}
                \t}
                """);
        assertThat(e)
                .extracting(ServerLog.Entry::sql)
                .containsExactly(
                        "select id\n  from orders where status = 'pending'",
                        "select * from t where a = '42'",
                        "select * from t where b = 'x'");
    }

    @Test
    void heaviestByTotalDurationTheSameTextOnce() {
        List<ServerLog.Entry> e = List.of(
                new ServerLog.Entry(1, 5, "select 1 from t where a = 'x'"),
                new ServerLog.Entry(2, 1, "select 1 from t where b = 'y'"),
                new ServerLog.Entry(3, 5, "select 1 from t\n where a = 'x'"));
        List<Suggestion.Statement> top = ServerLog.heaviest(e, 1);
        assertThat(top).singleElement().satisfies(s -> {
            assertThat(s.calls()).isEqualTo(2);
            assertThat(s.totalMs()).isEqualTo(10.0);
            assertThat(s.fromLog()).isTrue();
            assertThat(s.source()).isEqualTo("log line 1");
        });
    }

    @Test
    void parametersGoOnlyWhereTheyAreParameters() {
        assertThat(ServerLog.bind(
                        "select $1, \"$1\", '$1', x$1 -- $1\n from t where a = $10", Map.of(1, "'a'", 10, "'b'")))
                .isEqualTo("select 'a', \"$1\", '$1', x$1 -- $1\n from t where a = 'b'");
    }
}
