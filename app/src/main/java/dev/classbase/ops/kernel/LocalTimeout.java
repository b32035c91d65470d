package dev.classbase.ops.kernel;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * {@code SET LOCAL statement_timeout}: for a job's own transaction (a snapshot's writes, a rollup
 * run), which may take longer than the pool allows a request; the setting ends with the transaction
 * (PostgreSQL manual, SET: "the effects of SET LOCAL last only till the end of the current
 * transaction"). Autocommit must be off, or it lasts one statement.
 */
public final class LocalTimeout {
    private LocalTimeout() {}

    public static void statement(Connection c, Duration timeout) throws SQLException {
        set(c, "statement_timeout", timeout);
    }

    public static void lock(Connection c, Duration timeout) throws SQLException {
        set(c, "lock_timeout", timeout);
    }

    private static void set(Connection c, String name, Duration timeout) throws SQLException {
        try (Statement s = c.createStatement()) {
            // SET LOCAL takes no bind parameter; the value is a number computed here
            s.execute("SET LOCAL " + name + " = " + Math.max(1, timeout.toMillis()));
        }
    }
}
