package dev.classbase.ops.rollups;

import dev.classbase.ops.kernel.LocalTimeout;
import dev.classbase.ops.kernel.Primary;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import javax.sql.DataSource;

/**
 * Runs the daily rollups (V50) and reports their watermark, on any data source that reaches the
 * primary (the server's analytics pool, the CLI's owner connection): the function is SECURITY
 * DEFINER, does nothing on a replica and lets one run at a time through, so the server and the
 * CLI may both call it at any time.
 */
public final class Rollups {
    private final DataSource dataSource;
    private final RollupProperties properties;

    public Rollups(DataSource dataSource, RollupProperties properties) {
        this.dataSource = dataSource;
        this.properties = properties;
    }

    /** One run now; {@code full} rebuilds from the raw tables instead of draining the inbox. */
    public RollupRun run(boolean full) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                LocalTimeout.statement(c, properties.runTimeout());
                RollupRun run;
                try (PreparedStatement ps = c.prepareStatement(RollupQueries.run())) {
                    ps.setBoolean(1, full);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        run = new RollupRun(
                                rs.getString(1),
                                rs.getLong(2),
                                rs.getLong(3),
                                Duration.ofMillis(rs.getLong(4)),
                                rs.getString(5));
                    }
                }
                c.commit();
                return run;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    public RollupStatus status() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean replica = Primary.inRecovery(c);
            try (PreparedStatement ps = c.prepareStatement(RollupQueries.status());
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new RollupStatus(
                        rs.getBoolean("initialized"),
                        rs.getLong("last_seq"),
                        rs.getObject("last_run_at", OffsetDateTime.class),
                        (Long) rs.getObject("last_rows"),
                        (Long) rs.getObject("last_pairs"),
                        (Long) rs.getObject("last_duration_ms"),
                        rs.getObject("last_full_at", OffsetDateTime.class),
                        rs.getLong("pending_rows"),
                        rs.getObject("oldest_day", LocalDate.class),
                        rs.getObject("newest_day", LocalDate.class),
                        rs.getLong("rollup_days"),
                        replica);
            }
        }
    }
}
