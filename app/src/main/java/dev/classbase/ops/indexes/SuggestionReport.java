package dev.classbase.ops.indexes;

import java.util.List;

/**
 * The advisor's answer. {@code statementsAvailable} false: pg_stat_statements is missing and
 * {@code note} says how to enable it. {@code validated} false: HypoPG is missing, the suggestions
 * are heuristic and {@code note} says why. {@code covered}: candidates an existing index already
 * covers (so not tried), once each. {@code skipped}: statements that could not be examined. {@code
 * logStatementsExamined}: literal statements from a server log (0 without one). {@code skewed}:
 * {@code col = $n} filters of pg_stat_statements' statements on a column whose values are far from
 * equally common, so the generic plan the advisor judges by misses what an index does for the rare
 * ones (a server log with their literal statements shows it).
 */
public record SuggestionReport(
        boolean statementsAvailable,
        boolean validated,
        String note,
        double minCutPercent,
        int statementsExamined,
        List<Suggestion> suggestions,
        List<Covered> covered,
        List<Skipped> skipped,
        int logStatementsExamined,
        List<Skewed> skewed) {

    /** A candidate not tried because {@code coveredBy} (of {@code method}) already serves it. */
    public record Covered(
            String schema, String table, List<String> columns, String predicate, String coveredBy, String method) {}

    /** A statement the advisor could not explain, and why (truncated text, unknown parameter types...). */
    public record Skipped(String queryId, String reason) {}

    /**
     * {@code column = $n} in {@code queryId}: a generic plan assumes {@code genericPercent} of the rows
     * for any value, while pg_stats' most common values show {@code rare} values of a few percent or
     * less (the rarest first) beside {@code mostCommon}.
     */
    public record Skewed(
            String schema,
            String table,
            String column,
            String queryId,
            double genericPercent,
            ValueShare mostCommon,
            List<ValueShare> rare) {}

    /** A value and the percentage of rows that have it (pg_stats' most_common_freqs). */
    public record ValueShare(String value, double percent) {}
}
