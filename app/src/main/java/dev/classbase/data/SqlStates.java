package dev.classbase.data;

import java.sql.SQLException;
import org.springframework.transaction.TransactionSystemException;

/** The SQLSTATE behind a failure (PostgreSQL manual, Appendix A), wherever it is wrapped. */
public final class SqlStates {
    private SqlStates() {}

    /**
     * The first SQLSTATE in {@code failure}'s causes, or null. It looks through a failed rollback to
     * the failure it hid (Spring throws the rollback's exception and keeps the first one as its
     * application exception), and reads HikariCP's stand-in for a connection it already closed,
     * which carries no SQLSTATE, as 08003 (connection_does_not_exist).
     */
    public static String of(Throwable failure) {
        Throwable error = original(failure);
        for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException && "Connection is closed".equals(t.getMessage())) {
                return "08003";
            }
        }
        return null;
    }

    /** The failure itself, not the exception of the rollback that followed it. */
    public static Throwable original(Throwable failure) {
        if (failure instanceof TransactionSystemException tx && tx.getApplicationException() != null) {
            return tx.getApplicationException();
        }
        return failure;
    }
}
