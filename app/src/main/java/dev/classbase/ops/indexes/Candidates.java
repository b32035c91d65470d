package dev.classbase.ops.indexes;

import dev.classbase.ops.indexes.CandidateParser.ColumnUse;
import dev.classbase.ops.indexes.CandidateParser.Use;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The candidate indexes for one table of one statement, and the rule that drops the ones an
 * existing index already covers.
 *
 * <p>Candidates, in the order the heuristic (no HypoPG) prefers them: equality columns then one
 * range or sort column (the btree rule "equality first, then range": the range column ends the
 * part of the key the scan can narrow); the equality columns alone; each column alone; and partial
 * versions of those when the statement has a constant predicate ({@code col IS NULL}, {@code IS NOT
 * NULL}, {@code col = 'literal'}: pg_stat_statements replaces literals by $n, so literals only
 * survive in statements whose text keeps them, as the server log's do), keyed on the predicate's own
 * column when the statement has no other.
 */
final class Candidates {
    private Candidates() {}

    /** At most this many equality columns lead a composite: past three the index grows more than it narrows. */
    private static final int MAX_EQUALITY = 3;

    private static final Set<String> CONTAINER_METHODS = Set.of("gin", "gist", "spgist");

    static List<Candidate> build(CandidateTable table, List<ColumnUse> uses, int max) {
        Set<String> equality = new LinkedHashSet<>();
        Set<String> range = new LinkedHashSet<>();
        Set<String> order = new LinkedHashSet<>();
        Set<String> predicateColumns = new LinkedHashSet<>();
        List<String> predicates = new ArrayList<>();
        for (ColumnUse u : uses) {
            String col = u.column();
            if (!table.columns().contains(col)) {
                continue;
            }
            switch (u.use()) {
                case EQUALITY, JOIN -> {
                    equality.add(col);
                    if (u.use() == Use.EQUALITY && u.constant() != null && predicateColumns.add(col)) {
                        predicates.add(Candidate.ident(col) + " = " + u.constant());
                    }
                }
                case RANGE -> range.add(col);
                case ORDER -> order.add(col);
                case IS_NULL, IS_NOT_NULL -> {
                    if (predicateColumns.add(col)) {
                        predicates.add(Candidate.ident(col) + (u.use() == Use.IS_NULL ? " is null" : " is not null"));
                    }
                }
            }
        }
        range.removeAll(equality);
        order.removeAll(equality);
        String tail = !range.isEmpty()
                ? range.iterator().next()
                : order.isEmpty() ? null : order.iterator().next();
        String tailWhy = tail == null ? "" : range.contains(tail) ? "range on " + tail : "order by " + tail;

        List<Candidate> out = new ArrayList<>();
        keyCandidates(table, List.copyOf(equality), tail, tailWhy, range, order, null, out);
        if (!predicates.isEmpty()) {
            String predicate = String.join(" and ", predicates);
            List<String> keyEquality =
                    equality.stream().filter(c -> !predicateColumns.contains(c)).toList();
            String keyTail = tail != null && predicateColumns.contains(tail) ? null : tail;
            int before = out.size();
            keyCandidates(table, keyEquality, keyTail, tailWhy, range, order, predicate, out);
            if (out.size() == before) {
                // the predicate is the statement's only condition (WHERE reviewed_at IS NULL, or
                // status = 'failed' read from a log): the partial index's key is its own column,
                // which the planner can always use, as the manual's example of a partial index does
                String col = predicateColumns.iterator().next();
                out.add(new Candidate(
                        table.schema(), table.name(), List.of(col), List.of(), predicate, "partial: " + predicate));
            }
        }
        List<Candidate> distinct = new ArrayList<>();
        for (Candidate c : out) {
            if (!c.columns().isEmpty() && distinct.stream().noneMatch(c::sameIndexAs)) {
                distinct.add(c);
            }
        }
        return distinct.size() > max ? List.copyOf(distinct.subList(0, max)) : List.copyOf(distinct);
    }

    private static void keyCandidates(
            CandidateTable t,
            List<String> equality,
            String tail,
            String tailWhy,
            Set<String> range,
            Set<String> order,
            String predicate,
            List<Candidate> out) {
        List<String> lead = equality.subList(0, Math.min(MAX_EQUALITY, equality.size()));
        String eqWhy = lead.isEmpty() ? "" : "equality on " + String.join(", ", lead);
        String partial = predicate == null ? "" : "; partial: " + predicate;
        if (!lead.isEmpty() && tail != null) {
            out.add(new Candidate(
                    t.schema(), t.name(), lead, List.of(tail), predicate, eqWhy + ", " + tailWhy + partial));
        }
        if (lead.size() > 1) {
            out.add(new Candidate(t.schema(), t.name(), lead, List.of(), predicate, eqWhy + partial));
        }
        for (String col : equality) {
            out.add(new Candidate(
                    t.schema(), t.name(), List.of(col), List.of(), predicate, "equality on " + col + partial));
        }
        for (String col : range) {
            if (predicate == null || !predicate.contains(col)) {
                out.add(new Candidate(
                        t.schema(), t.name(), List.of(), List.of(col), predicate, "range on " + col + partial));
            }
        }
        if (!order.isEmpty()) {
            String col = order.iterator().next();
            out.add(new Candidate(
                    t.schema(), t.name(), List.of(), List.of(col), predicate, "order by " + col + partial));
        }
    }

    /**
     * The existing index that already covers the candidate, if any. The rule:
     *
     * <ul>
     *   <li>a valid btree covers it when its leading keys are the candidate's equality columns (in any
     *       order) followed by its range or sort column, and it is not partial or has the same
     *       predicate (a full index also serves a partial candidate; a partial one never serves a
     *       full candidate);
     *   <li>a valid GIN, GiST or SP-GiST index that has one of the candidate's columns as a key, or
     *       inside its expression, covers it: such an index was built for the operators used on
     *       that column (containment, full text, ranges, similarity), and a btree beside it only adds
     *       write cost; it is never compared by columns with a btree (the audit's redundancy rule
     *       does the same);
     *   <li>a valid hash index covers a one-column equality candidate on its column, a valid BRIN
     *       index a one-column range candidate on its column: what they are for.
     * </ul>
     */
    static Optional<CandidateTable.Existing> coveredBy(Candidate c, CandidateTable table) {
        String predicate = CandidateTable.normalizePredicate(c.predicate());
        for (CandidateTable.Existing e : table.indexes()) {
            if (!e.valid()) {
                continue;
            }
            boolean covers = switch (e.method()) {
                case "btree" ->
                    e.expressions() == null
                            && (e.predicate() == null
                                    || CandidateTable.normalizePredicate(e.predicate())
                                            .equals(predicate))
                            && leads(e.keys(), c);
                case "hash" ->
                    c.tail().isEmpty() && c.equality().size() == 1 && e.keys().equals(c.equality());
                case "brin" ->
                    c.equality().isEmpty() && e.keys().size() == 1 && e.keys().equals(c.tail());
                default ->
                    CONTAINER_METHODS.contains(e.method())
                            && c.columns().stream()
                                    .anyMatch(col -> e.keys().contains(col) || mentions(e.expressions(), col));
            };
            if (covers) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    private static boolean leads(List<String> keys, Candidate c) {
        int eq = c.equality().size();
        if (keys.size() < eq + c.tail().size()) {
            return false;
        }
        return Set.copyOf(keys.subList(0, eq)).equals(Set.copyOf(c.equality()))
                && keys.subList(eq, eq + c.tail().size()).equals(c.tail());
    }

    private static boolean mentions(String expressions, String column) {
        return expressions != null
                && Pattern.compile("(?<![a-z0-9_\\.])\"?" + Pattern.quote(column) + "\"?(?![a-z0-9_(])")
                        .matcher(expressions)
                        .find();
    }
}
