package dev.classbase.ops.indexes;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A table a statement names, as the catalog knows it: its real columns, estimated rows and existing
 * indexes (every access method, valid or not).
 */
record CandidateTable(String schema, String name, char kind, long rows, Set<String> columns, List<Existing> indexes) {

    /**
     * An index already on the table. {@code keys}: its key columns in order, "" where the key is an
     * expression; {@code predicate} and {@code expressions} as pg_get_expr prints them, or null.
     */
    record Existing(
            String name, String method, boolean valid, List<String> keys, String predicate, String expressions) {}

    CandidateTable {
        columns = Set.copyOf(columns);
        indexes = List.copyOf(indexes);
    }

    /** Lower-cased, outer parentheses and casts removed, spaces collapsed: enough to compare predicates. */
    static String normalizePredicate(String predicate) {
        if (predicate == null) {
            return null;
        }
        String p = predicate.trim().toLowerCase(Locale.ROOT).replaceAll("::[a-z_ ]+(\\[\\])?", "");
        while (p.startsWith("(") && p.endsWith(")")) {
            p = p.substring(1, p.length() - 1).trim();
        }
        return p.replaceAll("\\s+", " ");
    }
}
