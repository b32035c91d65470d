package dev.classbase.ops.kernel;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Whether the server behind a connection is the primary: {@code pg_is_in_recovery()} is true on a
 * standby, and on a primary still replaying WAL after a crash (PostgreSQL manual, 9.28.4 "Recovery
 * Control Functions"). Jobs that write run only where it is false.
 */
public final class Primary {
    static final String IN_RECOVERY = "SELECT pg_is_in_recovery()";

    private Primary() {}

    /** True on a replica (or a server in recovery). */
    public static boolean inRecovery(Connection c) throws SQLException {
        return Rows.bool(c, IN_RECOVERY);
    }

    /** True on the primary, out of recovery. */
    public static boolean is(Connection c) throws SQLException {
        return !inRecovery(c);
    }
}
