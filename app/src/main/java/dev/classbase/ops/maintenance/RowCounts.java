package dev.classbase.ops.maintenance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The restore check's evidence: row counts of a few tables, on the source and on the restored copy. */
final class RowCounts {
    static final int TABLES = 5;

    private RowCounts() {}

    /** "schema.table" names of the tables to compare, chosen on the source. */
    static List<String[]> tables(Connection c) throws SQLException {
        List<String[]> tables = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(BackupQueries.checkedTables())) {
            ps.setInt(1, TABLES);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        return tables;
    }

    /** Counts in the connection's current transaction (one snapshot when it is REPEATABLE READ). */
    static Map<String, Long> count(Connection c, List<String[]> tables) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Statement s = c.createStatement()) {
            for (String[] t : tables) {
                // identifiers cannot be bound; both parts come from the catalog and are quoted
                try (ResultSet rs = s.executeQuery("select count(*) from " + MaintenanceTarget.quote(t[0]) + "."
                        + MaintenanceTarget.quote(t[1]))) {
                    rs.next();
                    counts.put(t[0] + "." + t[1], rs.getLong(1));
                }
            }
        }
        return counts;
    }

    /** Counts in one REPEATABLE READ snapshot. */
    static Map<String, Long> snapshot(Connection c, List<String[]> tables) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try {
            return count(c, tables);
        } finally {
            c.rollback();
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            c.setAutoCommit(auto);
        }
    }

    /**
     * Compares the restored counts with the source's. A base backup holds what was committed when it
     * ended, so a table written during it may fall between the counts taken before and after its end:
     * that passes; anything else fails. {@code before} and {@code after} are the same for a dump (one
     * exported snapshot).
     */
    static List<String> mismatches(Map<String, Long> before, Map<String, Long> after, Map<String, Long> restored) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Long> e : after.entrySet()) {
            long lo = Math.min(before.getOrDefault(e.getKey(), e.getValue()), e.getValue());
            long hi = Math.max(before.getOrDefault(e.getKey(), e.getValue()), e.getValue());
            Long got = restored.get(e.getKey());
            if (got == null || got < lo || got > hi) {
                out.add(e.getKey() + ": restored " + got + " rows, source " + (lo == hi ? lo : lo + ".." + hi));
            }
        }
        return out;
    }

    static String describe(Map<String, Long> counts) {
        List<String> parts = new ArrayList<>();
        counts.forEach((t, n) -> parts.add(String.format("%s %,d", t, n)));
        return String.join(", ", parts);
    }
}
