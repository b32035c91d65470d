package dev.classbase.ops.explain;

import dev.classbase.ops.kernel.ConsoleDatabase;
import dev.classbase.ops.kernel.ConsoleProperties;
import dev.classbase.platform.errors.ApiException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * EXPLAIN of one SELECT, in a read-only transaction bounded by {@code SET LOCAL statement_timeout}
 * and rolled back: a function with side effects called through the SELECT fails instead of writing.
 * ANALYZE (which runs the statement) only on request; {@code $n} placeholders as a generic plan.
 */
@Service
class ExplainQueries {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    record Explained(boolean analyze, boolean genericPlan, long timeoutMs, JsonNode plan) {}

    private final ConsoleDatabase db;
    private final ConsoleProperties props;

    ExplainQueries(ConsoleDatabase db, ConsoleProperties props) {
        this.db = db;
        this.props = props;
    }

    Explained explain(String sql, boolean analyze) {
        ExplainGuard.Verdict verdict = ExplainGuard.check(sql);
        if (verdict.refused()) {
            throw ApiException.badRequest("sql", verdict.refusal());
        }
        boolean generic = verdict.placeholders();
        if (generic && analyze) {
            throw ApiException.badRequest(
                    "analyze",
                    "a statement with $n placeholders cannot be run: put values in, or explain without analyze");
        }
        Duration timeout = props.explainTimeout();
        try {
            String plan = db.readOnly(
                    timeout, c -> generic ? genericPlan(c, verdict.sql()) : plan(c, verdict.sql(), analyze));
            return new Explained(analyze, generic, timeout.toMillis(), JSON.readTree(plan));
        } catch (SQLException e) {
            throw refusal(e, timeout);
        }
    }

    private static String plan(Connection c, String sql, boolean analyze) throws SQLException {
        return single(c, "EXPLAIN (FORMAT JSON" + (analyze ? ", ANALYZE, BUFFERS" : "") + ") " + sql);
    }

    /**
     * A statement with {@code $n} placeholders, as the plan PostgreSQL caches for all values. EXPLAIN
     * (GENERIC_PLAN) cannot go through the driver's extended protocol (the server counts the $n as
     * protocol parameters and the bind has none), and the simple protocol would accept ';'-joined
     * statements. So: PREPARE it, force the generic plan for this transaction, EXPLAIN EXECUTE it
     * with NULLs (ignored by a generic plan), DEALLOCATE (a prepared statement outlives rollback).
     */
    private static String genericPlan(Connection c, String sql) throws SQLException {
        String name = "classbase_console_explain";
        Savepoint before = c.setSavepoint();
        boolean prepared = false;
        try {
            execute(c, "PREPARE " + name + " AS " + sql);
            prepared = true;
            int parameters =
                    ((Number) ConsoleDatabase.rows(c, """
                            SELECT cardinality(parameter_types) AS n FROM pg_prepared_statements WHERE name = ?
                            """, name).getFirst().get("n")).intValue();
            execute(c, "SET LOCAL plan_cache_mode = force_generic_plan");
            String nulls = String.join(", ", Collections.nCopies(parameters, "NULL"));
            return single(c, "EXPLAIN (FORMAT JSON) EXECUTE " + name + (parameters == 0 ? "" : "(" + nulls + ")"));
        } finally {
            if (prepared) {
                c.rollback(before); // an error aborted the transaction: DEALLOCATE needs it usable
                execute(c, "DEALLOCATE " + name);
            }
        }
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            // the text is the caller's statement; no JDBC escape may rewrite it
            s.setEscapeProcessing(false);
            try (ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.setEscapeProcessing(false);
            s.execute(sql);
        }
    }

    private static RuntimeException refusal(SQLException e, Duration timeout) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("57014") || state.equals("55P03")) {
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("field", "sql");
            props.put("limitMs", timeout.toMillis());
            return new ApiException(
                    HttpStatus.BAD_REQUEST,
                    "Statement timeout",
                    "sql: the statement was cancelled after the explain limit of " + timeout.toMillis()
                            + " ms (classbase.console.explain-timeout): " + e.getMessage(),
                    props);
        }
        if (state.equals("25006")) {
            return ApiException.badRequest(
                    "sql",
                    "the statement tried to write, and the read-only transaction it runs in refused it"
                            + " (nothing was changed): " + e.getMessage());
        }
        if (state.startsWith("42")
                || state.startsWith("22")
                || state.startsWith("0A")
                || state.startsWith("2B")
                || state.startsWith("P0")
                || state.startsWith("3F")) {
            return ApiException.badRequest("sql", "PostgreSQL refused the statement: " + e.getMessage());
        }
        return new IllegalStateException("explain failed: " + e.getMessage(), e);
    }
}
