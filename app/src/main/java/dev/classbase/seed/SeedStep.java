package dev.classbase.seed;

import java.util.List;
import java.util.Map;

/**
 * One unit of progress: statements run in order with the same parameters. A step that inserts
 * rows states how many each statement must insert ({@code expectedRows}); plan steps say -1.
 */
record SeedStep(String label, List<String> statements, Map<String, Object> params, long expectedRows) {

    static SeedStep insert(String label, String sql, long rows, Map<String, Object> params) {
        return new SeedStep(label, List.of(sql), params, rows);
    }

    static SeedStep plan(String label, String... statements) {
        return new SeedStep(label, List.of(statements), Map.of(), -1);
    }
}
