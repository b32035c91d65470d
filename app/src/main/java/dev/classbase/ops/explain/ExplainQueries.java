package dev.classbase.ops.explain;

import dev.classbase.ops.kernel.ConsoleDatabase;
import dev.classbase.ops.kernel.ConsoleProperties;
import dev.classbase.web.ApiException;
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
 * EXPLAIN of one SELECT in {@link ExplainSandbox}: a connection of its own, a read-only transaction
 * bounded by {@code SET LOCAL statement_timeout} and rolled back, run as {@code classbase_explain}.
 * ANALYZE (which runs the statement) only on request and only when the sandbox is complete; {@code $n}
 * placeholders as a generic plan.
 *
 * <p>Errors: the plain EXPLAIN comes first, and its errors (syntax, unknown names, privileges, what
 * the planner folds from the statement's own constants) are passed back as PostgreSQL words them.
 * An error while the statement runs is named by SQLSTATE and condition name only: its message can
 * carry row values (a failed cast quotes its input).
 */
@Service
class ExplainQueries {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    record Explained(boolean analyze, boolean genericPlan, long timeoutMs, Long tenantId, String role, JsonNode plan) {}

    private final ExplainSandbox sandbox;
    private final ConsoleProperties props;

    ExplainQueries(ExplainSandbox sandbox, ConsoleProperties props) {
        this.sandbox = sandbox;
        this.props = props;
    }

    Explained explain(String sql, boolean analyze, Long tenantId) {
        ExplainGuard.Verdict verdict = ExplainGuard.check(sql);
        if (verdict.refused()) {
            throw ApiException.badRequest("sql", verdict.refusal());
        }
        if (tenantId != null && tenantId < 1) {
            throw ApiException.badRequest("tenantId", "a tenant id is a positive number; leave it out for none");
        }
        boolean generic = verdict.placeholders();
        if (generic && analyze) {
            throw ApiException.badRequest(
                    "analyze",
                    "a statement with $n placeholders cannot be run: put values in, or explain without analyze");
        }
        Duration timeout = props.explainTimeout();
        try {
            return sandbox.run(timeout, tenantId, (c, offer) -> {
                if (analyze && !offer.analyze()) {
                    throw new ApiException(
                            HttpStatus.SERVICE_UNAVAILABLE,
                            "EXPLAIN ANALYZE unavailable",
                            "analyze: EXPLAIN ANALYZE " + offer.note() + ". Plain EXPLAIN (analyze: false) works.",
                            Map.of("field", "analyze"));
                }
                String role = offer.role() ? ExplainSandbox.ROLE : currentUser(c);
                String plan;
                try {
                    plan = generic ? genericPlan(c, verdict.sql()) : plan(c, verdict.sql(), false);
                } catch (SQLException e) {
                    throw planRefusal(e, timeout);
                }
                if (analyze) {
                    try {
                        plan = plan(c, verdict.sql(), true);
                    } catch (SQLException e) {
                        throw runRefusal(e, timeout);
                    }
                }
                return new Explained(analyze, generic, timeout.toMillis(), tenantId, role, JSON.readTree(plan));
            });
        } catch (SQLException e) {
            // the sandbox's own statements (SET ROLE, the detection): the server, not the caller's statement
            throw unavailable("preparing the EXPLAIN session failed: " + e.getMessage(), timeout);
        }
    }

    private static String currentUser(Connection c) throws SQLException {
        return single(c, "SELECT current_user");
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

    /** An error of the plain EXPLAIN: from the statement's text, so PostgreSQL's words are passed back. */
    private static ApiException planRefusal(SQLException e, Duration timeout) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        ApiException common = common(state, timeout);
        if (common != null) {
            return common;
        }
        String hint = state.equals("42501")
                ? " (EXPLAIN runs as " + ExplainSandbox.ROLE
                        + ", which reads the tables under row-level security and the tenant_* views only,"
                        + " and may call neither set_config nor a SECURITY DEFINER function)"
                : "";
        return ApiException.badRequest("sql", "PostgreSQL refused the statement: " + e.getMessage() + hint);
    }

    /**
     * An error while the statement ran (ANALYZE): named by SQLSTATE and condition name only, since
     * the message can quote row values.
     */
    private static ApiException runRefusal(SQLException e, Duration timeout) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        ApiException common = common(state, timeout);
        if (common != null) {
            return common;
        }
        String condition = SqlStates.name(state);
        String what = switch (state) {
            case "25006" ->
                "the statement tried to write, and the read-only transaction it runs in refused it"
                        + " (nothing was changed)";
            case "42501" ->
                "running the statement needed a privilege " + ExplainSandbox.ROLE
                        + " does not have (signalling other sessions, a table or function outside its reach)";
            default -> "running the statement failed";
        };
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("field", "sql");
        props.put("sqlState", state);
        props.put("condition", condition);
        return new ApiException(
                HttpStatus.BAD_REQUEST,
                "Invalid request",
                "sql: " + what + ": SQLSTATE " + state + " (" + condition + ")."
                        + " PostgreSQL's message is not shown for errors while the statement runs, since it can"
                        + " quote row values",
                props);
    }

    /** Timeouts name the limit; a lost or overloaded server is a 503 to retry. */
    private static ApiException common(String state, Duration timeout) {
        if (state.equals("57014") || state.equals("55P03")) {
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("field", "sql");
            props.put("limitMs", timeout.toMillis());
            props.put("sqlState", state);
            props.put("condition", SqlStates.name(state));
            String waited = state.equals("55P03") ? "waited for a lock longer than" : "was cancelled after";
            return new ApiException(
                    HttpStatus.BAD_REQUEST,
                    "Statement timeout",
                    "sql: the statement " + waited + " the explain limit of " + timeout.toMillis()
                            + " ms (classbase.console.explain-timeout)",
                    props);
        }
        // connection exception, insufficient resources, operator intervention (shutdown, crash recovery)
        if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")) {
            return unavailable(
                    "the primary could not run the EXPLAIN: SQLSTATE " + state + " (" + SqlStates.name(state) + ")",
                    timeout);
        }
        return null;
    }

    private static ApiException unavailable(String why, Duration timeout) {
        return new ExplainSandbox.Busy("Database unavailable", why, Math.max(1, (timeout.toMillis() + 999) / 1000));
    }
}
