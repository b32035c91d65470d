package dev.classbase.ops.indexes;

import dev.classbase.ops.indexes.IndexAudit.RedundantIndex;
import dev.classbase.ops.indexes.IndexAudit.UnusedIndex;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The audit's drop advice (unused and redundant indexes) as one set that is safe to follow in full:
 * every column set an advised index serves stays served by an index that is kept. Unused and
 * redundant are asked separately, and each alone is right, but together they can name every index
 * on a column: the unused one and the duplicate of the one the planner uses, or a prefix index and
 * the unused composite that covers it.
 *
 * <p>Indexes are added to the set fewest scans first (what the planner never picks goes before what
 * it picks), redundant before merely unused (so a duplicate pair is reported as such), larger
 * first; an index is left out when adding it would leave an advised index's columns with no index
 * outside the set. What is left out is advised by the next audit, once the other drop is done.
 */
final class DropAdvice {
    private DropAdvice() {}

    record Advice(List<UnusedIndex> unused, List<RedundantIndex> redundant) {}

    private record Option(String key, long scans, boolean redundant, long bytes) {}

    /** {@code pairs}: every (index, covering index) pair, best covering index first per index. */
    static Advice of(List<UnusedIndex> unused, List<RedundantIndex> pairs) {
        Map<String, List<RedundantIndex>> coverers = new LinkedHashMap<>();
        Map<String, Set<String>> servedBy = new LinkedHashMap<>();
        for (RedundantIndex p : pairs) {
            String index = key(p.schema(), p.index());
            String by = key(p.schema(), p.coveredBy());
            coverers.computeIfAbsent(index, k -> new ArrayList<>()).add(p);
            servedBy.computeIfAbsent(index, k -> new HashSet<>()).add(by);
            if (p.exact()) {
                servedBy.computeIfAbsent(by, k -> new HashSet<>()).add(index); // a duplicate serves both ways
            }
        }
        Map<String, Option> options = new LinkedHashMap<>();
        coverers.forEach((k, list) -> options.put(
                k, new Option(k, list.getFirst().scans(), true, list.getFirst().bytes())));
        for (UnusedIndex u : unused) {
            options.putIfAbsent(
                    key(u.schema(), u.index()), new Option(key(u.schema(), u.index()), 0, false, u.bytes()));
        }
        List<Option> order = new ArrayList<>(options.values());
        order.sort(Comparator.comparingLong(Option::scans)
                .thenComparing(o -> !o.redundant())
                .thenComparing(Comparator.comparingLong(Option::bytes).reversed())
                .thenComparing(Option::key));
        Set<String> drop = new HashSet<>();
        for (Option o : order) {
            drop.add(o.key());
            if (!stillServed(drop, servedBy)) {
                drop.remove(o.key());
            }
        }
        List<UnusedIndex> keptUnused = unused.stream()
                .filter(u -> drop.contains(key(u.schema(), u.index())))
                .toList();
        List<RedundantIndex> keptRedundant = new ArrayList<>();
        coverers.forEach((k, list) -> {
            if (drop.contains(k)) {
                list.stream()
                        .filter(p -> !drop.contains(key(p.schema(), p.coveredBy())))
                        .findFirst()
                        .ifPresent(keptRedundant::add);
            }
        });
        return new Advice(keptUnused, List.copyOf(keptRedundant));
    }

    /** Every dropped index that another index serves keeps one server outside the set. */
    private static boolean stillServed(Set<String> drop, Map<String, Set<String>> servedBy) {
        for (String index : drop) {
            Set<String> others = servedBy.get(index);
            if (others != null && drop.containsAll(others)) {
                return false;
            }
        }
        return true;
    }

    private static String key(String schema, String index) {
        return schema + "." + index;
    }
}
