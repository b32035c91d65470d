package dev.classbase.ops.indexes;

import java.util.List;

/**
 * The advisor's answer. {@code statementsAvailable} false: pg_stat_statements is missing and
 * {@code note} says how to enable it. {@code validated} false: HypoPG is missing, the suggestions
 * are heuristic and {@code note} says why. {@code covered}: candidates an existing index already
 * covers (so not tried), once each. {@code skipped}: statements that could not be examined.
 */
public record SuggestionReport(
        boolean statementsAvailable,
        boolean validated,
        String note,
        double minCutPercent,
        int statementsExamined,
        List<Suggestion> suggestions,
        List<Covered> covered,
        List<Skipped> skipped) {

    /** A candidate not tried because {@code coveredBy} (of {@code method}) already serves it. */
    public record Covered(
            String schema, String table, List<String> columns, String predicate, String coveredBy, String method) {}

    /** A statement the advisor could not explain, and why (truncated text, unknown parameter types...). */
    public record Skipped(String queryId, String reason) {}
}
