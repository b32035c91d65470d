package dev.classbase.ops.maintenance;

/**
 * One table, partition or index a task would process, and why; or one it would leave alone, and why
 * ({@code skip} is then the reason: no right to it, covered by its parent's ANALYZE, an index to
 * drop rather than rebuild).
 */
public record MaintenanceTarget(Task task, String schema, String name, String kind, String reason, String skip) {
    public boolean runs() {
        return skip == null;
    }

    public String qualified() {
        return schema.isEmpty() ? name : schema + "." + name;
    }

    /** The name as SQL: both parts double-quoted, so any identifier is taken literally. */
    String sqlName() {
        return quote(schema) + "." + quote(name);
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    MaintenanceTarget skipped(String why) {
        return new MaintenanceTarget(task, schema, name, kind, reason, why);
    }
}
