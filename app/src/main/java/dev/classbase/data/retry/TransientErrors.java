package dev.classbase.data.retry;

import dev.classbase.data.SqlStates;

/** Classifies database errors by SQLSTATE (PostgreSQL manual, Appendix A). */
final class TransientErrors {
    private TransientErrors() {}

    static String sqlState(Throwable error) {
        return SqlStates.of(error);
    }

    /** Worth running the whole transaction again. */
    static boolean retryable(Throwable error) {
        if (queueTimeout(error)) {
            return false;
        }
        String state = sqlState(error);
        return state != null
                && (state.equals("40001")
                        || state.equals("40P01")
                        || state.startsWith("08")
                        || state.equals("57P01")
                        || state.equals("57P02")
                        || state.equals("57P03"));
    }

    /**
     * PgBouncer gave up waiting for a server connection ({@code query_wait_timeout}, sent as 08P01):
     * every server connection of the pool is busy. Nothing of the transaction ran (in transaction
     * pooling a transaction holds its server connection from its first statement), and running it
     * again would wait as long again: the caller gets the 503 at once
     * (https://www.pgbouncer.org/config.html#query_wait_timeout).
     */
    static boolean queueTimeout(Throwable error) {
        return "08P01".equals(sqlState(error)) && messageContains(error, "query_wait_timeout");
    }

    /** The connection is gone: the outcome of a COMMIT in flight is unknown until asked. */
    static boolean connectionLost(Throwable error) {
        if (queueTimeout(error)) {
            return false; // the server is fine and busy; its connections stay
        }
        String state = sqlState(error);
        return state != null && (state.startsWith("08") || state.startsWith("57P"));
    }

    /** A read that failed because of the replica it ran on, not because of the query. */
    static boolean replicaFailure(Throwable error) {
        String state = sqlState(error);
        if (state == null) {
            return hasCause(error, java.sql.SQLTransientConnectionException.class);
        }
        if (state.startsWith("08") || state.startsWith("57P")) {
            return true;
        }
        // "canceling statement due to conflict with recovery" (40001 on a hot standby)
        return state.equals("40001") && messageContains(error, "conflict with recovery");
    }

    /** The server is read-only: we reached a standby (a demoted primary) through the primary pool. */
    static boolean readOnlyServer(Throwable error) {
        return "25006".equals(sqlState(error));
    }

    private static boolean messageContains(Throwable error, String text) {
        error = SqlStates.original(error);
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(text)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
