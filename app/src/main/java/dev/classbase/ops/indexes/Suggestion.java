package dev.classbase.ops.indexes;

import java.util.List;

/**
 * One suggested index. {@code validated}: HypoPG showed the planner using it and cutting the
 * statement's estimated cost by {@code cutPercent}; otherwise a heuristic (the table is large and
 * read by a sequential scan), {@code costAfter} and {@code cutPercent} null. {@code statement} is the
 * heaviest statement it serves; {@code statements} how many of the examined ones it serves.
 */
public record Suggestion(
        String schema,
        String table,
        List<String> columns,
        String method,
        String predicate,
        double costBefore,
        Double costAfter,
        Double cutPercent,
        boolean validated,
        String reason,
        String indexName,
        String createStatement,
        Statement statement,
        int statements) {

    /**
     * A statement from pg_stat_statements ({@code queryId} its queryid, {@code $n} in the text) or
     * from the server's log ({@code queryId} "log:" and the line, literal values in the text).
     */
    public record Statement(String queryId, String query, long calls, double totalMs) {
        static final String LOG = "log:";

        /** Literal values, explained as they ran (a custom plan), not as a generic plan. */
        public boolean fromLog() {
            return queryId != null && queryId.startsWith(LOG);
        }

        /** "queryid 123" or "log line 45". */
        public String source() {
            return fromLog() ? "log line " + queryId.substring(LOG.length()) : "queryid " + queryId;
        }
    }

    Suggestion alsoServing() {
        return new Suggestion(
                schema,
                table,
                columns,
                method,
                predicate,
                costBefore,
                costAfter,
                cutPercent,
                validated,
                reason,
                indexName,
                createStatement,
                statement,
                statements + 1);
    }
}
