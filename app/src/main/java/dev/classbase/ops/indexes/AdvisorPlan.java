package dev.classbase.ops.indexes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The generic plan of a statement with {@code $n} placeholders, as ops/explain/ExplainQueries makes
 * it: PREPARE, {@code plan_cache_mode = force_generic_plan}, EXPLAIN EXECUTE with NULLs (ignored by
 * a generic plan), DEALLOCATE. Prepared afresh for every plan: a cached generic plan would not see
 * a hypothetical index created after it (HypoPG sends no invalidation). A statement with its
 * literal values (from the server's log) gets the custom plan it ran with: a plain EXPLAIN, where
 * the planner sees each value's frequency. {@code rows}: the top node's row estimate.
 */
record AdvisorPlan(double totalCost, double rows, Set<String> seqScanned, Set<String> indexesUsed) {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String NAME = "classbase_index_advisor";

    /** Run inside the caller's transaction, after a savepoint the caller rolls back to on error. */
    static AdvisorPlan of(Connection c, String sql) throws SQLException {
        execute(c, "SET LOCAL plan_cache_mode = force_generic_plan");
        execute(c, "PREPARE " + NAME + " AS " + sql);
        try {
            int parameters;
            try (PreparedStatement ps = c.prepareStatement(AdvisorQueries.preparedParameters())) {
                ps.setString(1, NAME);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    parameters = rs.getInt(1);
                }
            }
            String nulls = String.join(", ", Collections.nCopies(parameters, "NULL"));
            String plan;
            try (Statement s = c.createStatement()) {
                s.setEscapeProcessing(false);
                try (ResultSet rs = s.executeQuery(
                        "EXPLAIN (FORMAT JSON) EXECUTE " + NAME + (parameters == 0 ? "" : "(" + nulls + ")"))) {
                    rs.next();
                    plan = rs.getString(1);
                }
            }
            return parse(plan);
        } finally {
            deallocate(c);
        }
    }

    /** The plan of a statement with its values in place (no {@code $n}), as a custom plan. */
    static AdvisorPlan ofLiteral(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            // the statement's text is the log's; no JDBC escape may rewrite it
            s.setEscapeProcessing(false);
            try (ResultSet rs = s.executeQuery("EXPLAIN (FORMAT JSON) " + sql)) {
                rs.next();
                return parse(rs.getString(1));
            }
        }
    }

    /** DEALLOCATE survives only in a usable transaction; after an error the caller deallocates after its rollback. */
    static void deallocate(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute("DEALLOCATE " + NAME);
        } catch (SQLException e) {
            // not prepared, or the transaction is aborted: the caller cleans up after its rollback
        }
    }

    static void deallocateIfPrepared(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select 1 from pg_prepared_statements where name = ?")) {
            ps.setString(1, NAME);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
            }
        }
        execute(c, "DEALLOCATE " + NAME);
    }

    static AdvisorPlan parse(String json) {
        JsonNode root = JSON.readTree(json).get(0).get("Plan");
        Set<String> seq = new HashSet<>();
        Set<String> used = new HashSet<>();
        walk(root, seq, used);
        return new AdvisorPlan(
                root.get("Total Cost").asDouble(),
                root.path("Plan Rows").asDouble(),
                Set.copyOf(seq),
                Set.copyOf(used));
    }

    private static void walk(JsonNode node, Set<String> seq, Set<String> used) {
        String type = node.path("Node Type").asString("");
        if (type.equals("Seq Scan") && node.has("Relation Name")) {
            seq.add(node.get("Relation Name").asString());
        }
        if (node.has("Index Name")) {
            used.add(node.get("Index Name").asString());
        }
        for (JsonNode child : node.path("Plans")) {
            walk(child, seq, used);
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            // the statement text is pg_stat_statements'; no JDBC escape may rewrite it
            s.setEscapeProcessing(false);
            s.execute(sql);
        }
    }
}
