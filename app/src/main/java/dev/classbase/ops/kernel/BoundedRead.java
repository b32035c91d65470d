package dev.classbase.ops.kernel;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * PgHero's {@code with_transaction}: a diagnostic runs in a read-only transaction bounded by
 * {@code SET LOCAL statement_timeout} and {@code lock_timeout}, and is always rolled back, so a
 * slow catalog read can neither write nor hold a lock past its budget (PostgreSQL manual, 20.11.
 * "Client Connection Defaults": a {@code SET LOCAL} lasts until the end of the transaction).
 */
public final class BoundedRead {
    private BoundedRead() {}

    /** One piece of work on a connection inside the bounded transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Borrows a connection, runs the work read-only within {@code timeout}, rolls back. */
    public static <T> T run(DataSource dataSource, Duration timeout, Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return on(c, timeout, work);
        }
    }

    /** As {@link #run}, on a connection the caller holds; leaves it in autocommit. */
    public static <T> T on(Connection c, Duration timeout, Work<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            begin(c, timeout);
            T result = work.run(c);
            c.rollback();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException closed) {
                e.addSuppressed(closed); // the pool retires a broken connection; the first error is the one to tell
            }
            throw e;
        } finally {
            if (!c.isClosed()) {
                c.setAutoCommit(true);
            }
        }
    }

    /**
     * Bounds the transaction that the next statement opens on {@code c} (autocommit off): for a
     * caller that rolls back and starts again on one connection, as the index advisor does.
     */
    public static void begin(Connection c, Duration timeout) throws SQLException {
        try (Statement s = c.createStatement()) {
            // first statement of the transaction, so nothing before it can write
            s.execute("SET TRANSACTION READ ONLY");
        }
        LocalTimeout.statement(c, timeout);
        LocalTimeout.lock(c, timeout);
    }
}
