package dev.classbase.ops.indexes;

import dev.classbase.ops.indexes.CandidateTokens.Kind;
import dev.classbase.ops.indexes.CandidateTokens.Token;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * A pragmatic reading of one statement for the index advisor: the tables it names (with their
 * aliases, from FROM, JOIN, UPDATE and DELETE) and how it uses columns (equality, IN and = ANY;
 * ranges and BETWEEN; join conditions; IS [NOT] NULL; literal constants; ORDER BY). Anything it cannot
 * read with confidence (functions or casts on a column, OR-ed alternatives are read like AND-ed ones,
 * LIKE, operators a btree cannot serve) is left out: the advisor resolves every name against the
 * catalog and, with HypoPG, only keeps what the planner actually uses.
 */
final class CandidateParser {
    private CandidateParser() {}

    enum Use {
        EQUALITY,
        RANGE,
        JOIN,
        ORDER,
        IS_NULL,
        IS_NOT_NULL
    }

    record TableRef(String schema, String name, String alias) {}

    /** {@code constant}: the literal compared with (only when the text still has one), else null. */
    record ColumnUse(String qualifier, String column, Use use, String constant, boolean descending) {}

    /** {@code single}: exactly one statement, of a kind the advisor explains (SELECT, WITH, UPDATE, DELETE). */
    record Parsed(boolean single, List<TableRef> tables, List<ColumnUse> uses) {}

    private static final Set<String> KEYWORDS = Set.of(
            "select",
            "from",
            "where",
            "join",
            "inner",
            "left",
            "right",
            "full",
            "outer",
            "cross",
            "natural",
            "on",
            "using",
            "group",
            "order",
            "by",
            "having",
            "limit",
            "offset",
            "fetch",
            "for",
            "union",
            "except",
            "intersect",
            "window",
            "returning",
            "set",
            "values",
            "as",
            "and",
            "or",
            "not",
            "null",
            "true",
            "false",
            "is",
            "in",
            "between",
            "like",
            "ilike",
            "similar",
            "any",
            "all",
            "some",
            "exists",
            "case",
            "when",
            "then",
            "else",
            "end",
            "distinct",
            "asc",
            "desc",
            "nulls",
            "first",
            "last",
            "lateral",
            "only",
            "with",
            "update",
            "delete",
            "insert",
            "into",
            "tablesample",
            "interval",
            "cast",
            "array",
            "row",
            "over",
            "partition",
            "filter",
            "within",
            "escape",
            "collate",
            "current_date",
            "current_timestamp",
            "now");
    private static final Set<String> CLAUSES = Set.of(
            "select",
            "from",
            "where",
            "on",
            "group",
            "order",
            "having",
            "limit",
            "offset",
            "set",
            "returning",
            "values",
            "using",
            "window",
            "fetch",
            "for",
            "union",
            "except",
            "intersect");
    private static final Set<String> RANGE_OPS = Set.of("<", ">", "<=", ">=");

    static Parsed parse(String sql) {
        List<Token> t = CandidateTokens.of(sql);
        boolean single = !t.isEmpty()
                && (t.getFirst().is("select")
                        || t.getFirst().is("with")
                        || t.getFirst().is("update")
                        || t.getFirst().is("delete"))
                && t.stream().noneMatch(x -> x.punct(";"));
        List<TableRef> tables = new ArrayList<>();
        List<ColumnUse> uses = new ArrayList<>();
        Deque<String> clauses = new ArrayDeque<>();
        String clause = "";
        for (int i = 0; i < t.size(); i++) {
            Token tok = t.get(i);
            if (tok.punct("(")) {
                clauses.push(clause);
                continue;
            }
            if (tok.punct(")")) {
                clause = clauses.isEmpty() ? "" : clauses.pop();
                continue;
            }
            if (tok.kind() == Kind.WORD && CLAUSES.contains(tok.text())) {
                clause = tok.text();
                if (clause.equals("from")) {
                    i = tableRef(t, i + 1, tables) - 1;
                }
                continue;
            }
            if (tok.is("join") || tok.is("update")) {
                clause = "from";
                i = tableRef(t, i + 1, tables) - 1;
                continue;
            }
            if (clause.equals("from") && tok.punct(",")) {
                i = tableRef(t, i + 1, tables) - 1;
                continue;
            }
            if (clause.equals("order") && (t.get(i - 1).is("by") || t.get(i - 1).punct(","))) {
                i = orderItem(t, i, uses) - 1;
                continue;
            }
            if ((clause.equals("where") || clause.equals("on")) && columnStart(t, i)) {
                i = predicate(t, i, uses) - 1;
            }
        }
        return new Parsed(single, List.copyOf(tables), List.copyOf(uses));
    }

    /** A table name (optionally schema-qualified) and its alias; returns the index after it. */
    private static int tableRef(List<Token> t, int i, List<TableRef> tables) {
        while (i < t.size()
                && (t.get(i).is("only") || t.get(i).is("lateral") || t.get(i).is("from"))) {
            i++;
        }
        if (i >= t.size() || !t.get(i).name() || isKeyword(t.get(i))) {
            return i;
        }
        String schema = null;
        String name = t.get(i).text();
        i++;
        if (i + 1 < t.size() && t.get(i).punct(".") && t.get(i + 1).name()) {
            schema = name;
            name = t.get(i + 1).text();
            i += 2;
        }
        if (i < t.size() && t.get(i).punct("(")) {
            return i; // a function in FROM, not a table
        }
        if (i < t.size() && t.get(i).is("as")) {
            i++;
        }
        String alias = null;
        if (i < t.size() && t.get(i).name() && !isKeyword(t.get(i))) {
            alias = t.get(i).text();
            i++;
        }
        tables.add(new TableRef(schema, name, alias));
        return i;
    }

    private static boolean columnStart(List<Token> t, int i) {
        Token tok = t.get(i);
        if (!tok.name() || isKeyword(tok)) {
            return false;
        }
        Token before = i > 0 ? t.get(i - 1) : null;
        return before == null || !(before.punct(".") || before.punct("::"));
    }

    /** A column reference starting at i: [qualifier.]column, or null when it is a call or a cast. */
    private record Ref(String qualifier, String column, int end) {}

    private static Ref ref(List<Token> t, int i) {
        String qualifier = null;
        String column = t.get(i).text();
        int j = i + 1;
        while (j + 1 < t.size() && t.get(j).punct(".") && t.get(j + 1).name()) {
            qualifier = column;
            column = t.get(j + 1).text();
            j += 2;
        }
        if (j < t.size()
                && (t.get(j).punct("(") || t.get(j).punct("::") || t.get(j).punct("["))) {
            return null; // a function call, a cast or a subscript: an index on the bare column does not apply
        }
        return new Ref(qualifier, column, j);
    }

    private static int predicate(List<Token> t, int i, List<ColumnUse> uses) {
        Ref left = ref(t, i);
        if (left == null) {
            return i + 1;
        }
        int j = left.end();
        if (j >= t.size()) {
            return j;
        }
        Token op = t.get(j);
        // "$1 = col" and "$1 < col": the value came first
        if (i >= 2 && t.get(i - 1).kind() == Kind.OPERATOR && t.get(i - 2).value()) {
            String flipped = flip(t.get(i - 1).text());
            if (flipped != null && !(op.kind() == Kind.OPERATOR)) {
                uses.add(use(left, flipped.equals("=") ? Use.EQUALITY : Use.RANGE, constant(t.get(i - 2))));
                return j;
            }
        }
        if (op.kind() == Kind.OPERATOR && (op.text().equals("=") || RANGE_OPS.contains(op.text()))) {
            boolean equality = op.text().equals("=");
            if (j + 1 < t.size() && columnStart(t, j + 1)) {
                Ref right = ref(t, j + 1);
                if (right != null) {
                    uses.add(use(left, equality ? Use.JOIN : Use.RANGE, null));
                    uses.add(use(right, equality ? Use.JOIN : Use.RANGE, null));
                    return right.end();
                }
                return j + 1;
            }
            String constant = j + 1 < t.size() ? constant(t.get(j + 1)) : null;
            uses.add(use(left, equality ? Use.EQUALITY : Use.RANGE, constant));
            return j + 1;
        }
        if (op.is("in") || op.is("between")) {
            uses.add(use(left, op.is("in") ? Use.EQUALITY : Use.RANGE, null));
            return j + 1;
        }
        if (op.is("is") && j + 1 < t.size()) {
            if (t.get(j + 1).is("null")) {
                uses.add(use(left, Use.IS_NULL, null));
            } else if (j + 2 < t.size()
                    && t.get(j + 1).is("not")
                    && t.get(j + 2).is("null")) {
                uses.add(use(left, Use.IS_NOT_NULL, null));
            }
        }
        return j;
    }

    private static int orderItem(List<Token> t, int i, List<ColumnUse> uses) {
        if (!columnStart(t, i)) {
            return i + 1;
        }
        Ref r = ref(t, i);
        if (r == null) {
            return i + 1;
        }
        int j = r.end();
        boolean descending = false;
        if (j < t.size() && (t.get(j).is("asc") || t.get(j).is("desc"))) {
            descending = t.get(j).is("desc");
            j++;
        }
        while (j < t.size()
                && (t.get(j).is("nulls") || t.get(j).is("first") || t.get(j).is("last"))) {
            j++;
        }
        boolean plain = j >= t.size()
                || t.get(j).punct(",")
                || t.get(j).punct(")")
                || (t.get(j).kind() == Kind.WORD && CLAUSES.contains(t.get(j).text()));
        if (plain) {
            uses.add(new ColumnUse(r.qualifier(), r.column(), Use.ORDER, null, descending));
        }
        return j;
    }

    private static ColumnUse use(Ref r, Use use, String constant) {
        return new ColumnUse(r.qualifier(), r.column(), use, constant, false);
    }

    /** The literal as SQL text when the statement still has one (not a $n), else null. */
    private static String constant(Token value) {
        return switch (value.kind()) {
            case STRING -> "'" + value.text().replace("'", "''") + "'";
            case NUMBER -> value.text();
            case WORD -> value.is("true") || value.is("false") ? value.text() : null;
            default -> null;
        };
    }

    private static String flip(String op) {
        return switch (op) {
            case "=" -> "=";
            case "<", ">", "<=", ">=" -> "range";
            default -> null;
        };
    }

    private static boolean isKeyword(Token t) {
        return t.kind() == Kind.WORD && KEYWORDS.contains(t.text());
    }
}
