package dev.classbase.ops.indexes;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What the catalog says about the tables the advisor looks at. */
final class AdvisorCatalog {
    private AdvisorCatalog() {}

    /** The table a statement's name resolves to, with its columns and indexes; empty when it is none. */
    static Optional<CandidateTable> table(Connection c, String qualifiedName) throws SQLException {
        long oid;
        String schema;
        String name;
        char kind;
        long rows;
        try (PreparedStatement ps = c.prepareStatement(AdvisorQueries.table())) {
            ps.setString(1, qualifiedName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                oid = rs.getLong(1);
                schema = rs.getString(2);
                name = rs.getString(3);
                kind = rs.getString(4).charAt(0);
                rows = rs.getLong(5);
            }
        }
        Set<String> columns = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(AdvisorQueries.columns())) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        List<CandidateTable.Existing> indexes = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(AdvisorQueries.indexes())) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Array keys = rs.getArray(4);
                    indexes.add(new CandidateTable.Existing(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getBoolean(3),
                            List.of((String[]) keys.getArray()),
                            rs.getString(5),
                            rs.getString(6)));
                }
            }
        }
        return Optional.of(new CandidateTable(schema, name, kind, rows, columns, indexes));
    }

    static boolean exists(Connection c, String schema, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(AdvisorQueries.relationExists())) {
            ps.setString(1, Candidate.ident(schema) + "." + Candidate.ident(name));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
