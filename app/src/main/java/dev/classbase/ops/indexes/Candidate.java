package dev.classbase.ops.indexes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One index the advisor may suggest: a btree on {@code equality} columns (any order serves
 * equality) followed by at most one {@code tail} column (a range or the sort key), optionally
 * partial. {@code why} says which uses of the statement led to it.
 */
record Candidate(String schema, String table, List<String> equality, List<String> tail, String predicate, String why) {

    /** PostgreSQL's limit for a name, in bytes (NAMEDATALEN - 1). */
    private static final int MAX_NAME = 63;

    private static final Set<String> RESERVED = Set.of(
            "all",
            "analyse",
            "analyze",
            "and",
            "any",
            "array",
            "as",
            "asc",
            "both",
            "case",
            "cast",
            "check",
            "collate",
            "column",
            "constraint",
            "create",
            "default",
            "desc",
            "distinct",
            "do",
            "else",
            "end",
            "except",
            "false",
            "fetch",
            "for",
            "foreign",
            "from",
            "grant",
            "group",
            "having",
            "in",
            "into",
            "leading",
            "limit",
            "not",
            "null",
            "offset",
            "on",
            "only",
            "or",
            "order",
            "primary",
            "references",
            "select",
            "table",
            "then",
            "to",
            "true",
            "union",
            "unique",
            "user",
            "using",
            "when",
            "where",
            "with");

    Candidate {
        equality = List.copyOf(equality);
        tail = List.copyOf(tail);
    }

    List<String> columns() {
        List<String> all = new ArrayList<>(equality);
        all.addAll(tail);
        return all;
    }

    String method() {
        return "btree";
    }

    /** The statement HypoPG takes (no name, no CONCURRENTLY). */
    String hypotheticalDefinition() {
        return "create index on " + qualifiedTable() + " (" + columnList() + ")" + where();
    }

    /** The statement for a migration: concurrently (no write lock while it builds), idempotent. */
    String createStatement(String indexName) {
        return "create index concurrently if not exists " + ident(indexName) + " on " + qualifiedTable() + " ("
                + columnList() + ")" + where();
    }

    /** PostgreSQL's own naming ({@code table_col_col_idx}), cut to 63 bytes; the caller makes it unique. */
    String defaultName() {
        String base = table + "_" + String.join("_", columns()) + (predicate == null ? "" : "_part") + "_idx";
        base = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return base.length() <= MAX_NAME ? base : base.substring(0, MAX_NAME - 4) + "_idx";
    }

    /** Same table, columns (equality as a set) and predicate. */
    boolean sameIndexAs(Candidate other) {
        return schema.equals(other.schema)
                && table.equals(other.table)
                && Set.copyOf(equality).equals(Set.copyOf(other.equality))
                && tail.equals(other.tail)
                && java.util.Objects.equals(predicate, other.predicate);
    }

    private String qualifiedTable() {
        return ident(schema) + "." + ident(table);
    }

    private String columnList() {
        return String.join(", ", columns().stream().map(Candidate::ident).toList());
    }

    private String where() {
        return predicate == null ? "" : " where " + predicate;
    }

    /** An identifier as PostgreSQL's quote_ident would write it. */
    static String ident(String name) {
        if (name.matches("[a-z_][a-z0-9_$]*") && !RESERVED.contains(name)) {
            return name;
        }
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
