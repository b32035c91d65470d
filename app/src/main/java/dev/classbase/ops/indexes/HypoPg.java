package dev.classbase.ops.indexes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether HypoPG (hypothetical indexes) can be used on this database: asked once, cached, and said
 * once in the log when it cannot, with how to enable it. A failure to ask is not cached (the server
 * may just be down).
 */
final class HypoPg {
    private static final Logger log = LoggerFactory.getLogger(HypoPg.class);

    /** Available, or why not and how to enable it. */
    record Feature(boolean available, String note) {}

    private volatile Feature feature;

    Feature feature(Connection c) throws SQLException {
        Feature f = feature;
        if (f == null) {
            f = detect(c);
            feature = f;
            if (!f.available()) {
                log.warn("index advisor: HypoPG {}", f.note());
            }
        }
        return f;
    }

    private static Feature detect(Connection c) throws SQLException {
        boolean installed;
        boolean packaged;
        int major;
        try (PreparedStatement ps = c.prepareStatement(AdvisorQueries.hypopgPresence());
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            installed = rs.getBoolean(1);
            packaged = rs.getBoolean(2);
            major = rs.getInt(3);
        }
        if (!installed) {
            String how = packaged
                    ? "enable: CREATE EXTENSION hypopg (as a superuser) in this database"
                    : "enable: install the HypoPG package on the database server (Debian/Ubuntu: postgresql-" + major
                            + "-hypopg), then CREATE EXTENSION hypopg (as a superuser) in this database";
            return new Feature(
                    false,
                    "not available: the hypopg extension is not created in this database, so suggestions are"
                            + " heuristic and not validated; " + how);
        }
        try (PreparedStatement ps = c.prepareStatement(AdvisorQueries.hypopgCallable());
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return new Feature(
                        false,
                        "not available: this role may not call hypopg_create_index; enable: GRANT EXECUTE ON"
                                + " ALL FUNCTIONS IN SCHEMA <hypopg's schema> TO <service role>");
            }
        }
        return new Feature(true, null);
    }

    static HypotheticalIndex create(Connection c, String definition) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(AdvisorQueries.hypopgCreate())) {
            ps.setString(1, definition);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new HypotheticalIndex(rs.getLong(1), rs.getString(2));
            }
        }
    }

    static void reset(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(AdvisorQueries.hypopgReset())) {
            ps.execute();
        }
    }

    /** EXPLAIN prints a hypothetical index as {@code <oid>btree_table_col}. */
    record HypotheticalIndex(long oid, String name) {}
}
