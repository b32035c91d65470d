package dev.classbase.ops.kernel;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's own small connection source to the primary (so a full application pool never
 * blinds it), and PgHero's {@code with_transaction}: every diagnostic runs in a read-only
 * transaction with {@code SET LOCAL statement_timeout} and is rolled back. What the server lacks
 * (pg_stat_statements, the right to read other sessions) is detected once, said once and cached.
 * Other topics' console reads (maintenance) go through it too, so none of them takes a connection
 * from the pools the scheduled jobs run on. When both connections are busy a read waits briefly
 * ({@link ConsoleConfig#WAIT}) and then fails as the pool's timeout, which the API answers 503 with
 * {@code Retry-After}.
 */
public final class ConsoleDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConsoleDatabase.class);

    /** One piece of work on a connection inside the bounded transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** A feature the console depends on: available, or why not and how to enable it. */
    public record Feature(boolean available, String note) {}

    private final DataSource dataSource;
    private volatile Feature statements;
    private volatile Feature allStats;

    private final Runnable onClose;

    public ConsoleDatabase(DataSource dataSource, Runnable onClose) {
        this.dataSource = dataSource;
        this.onClose = onClose;
    }

    @Override
    public void close() {
        onClose.run();
    }

    /** Runs the work read-only, bounded by the timeout, and rolls back whatever happened. */
    public <T> T readOnly(Duration timeout, Work<T> work) throws SQLException {
        return BoundedRead.run(dataSource, timeout, work::run);
    }

    /** pg_stat_statements, asked once. */
    public Feature statements() {
        Feature f = statements;
        if (f == null) {
            f = detectStatements();
            statements = f;
            if (!f.available()) {
                log.warn("console: pg_stat_statements {}", f.note());
            }
        }
        return f;
    }

    /** Whether this role sees other roles' query text in pg_stat_activity and pg_stat_statements. */
    public Feature allStats() {
        Feature f = allStats;
        if (f == null) {
            f = detectAllStats();
            allStats = f;
            if (!f.available()) {
                log.warn("console: {}", f.note());
            }
        }
        return f;
    }

    private Feature detectStatements() {
        try {
            return readOnly(Duration.ofSeconds(5), c -> {
                boolean created = !rows(c, "SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'")
                        .isEmpty();
                if (!created) {
                    return new Feature(
                            false,
                            "not available: the pg_stat_statements extension is not created in this database;"
                                    + " enable it: add pg_stat_statements to shared_preload_libraries"
                                    + " (infrastructure/postgresql/postgresql.conf has it), restart, then"
                                    + " CREATE EXTENSION pg_stat_statements (as a superuser; ./classbase migrate"
                                    + " does it when it runs as one)");
                }
                try {
                    rows(c, "SELECT 1 FROM pg_stat_statements LIMIT 1");
                    return new Feature(true, null);
                } catch (SQLException e) {
                    return new Feature(
                            false,
                            "not available: " + e.getMessage()
                                    + "; enable it: add pg_stat_statements to shared_preload_libraries and restart");
                }
            });
        } catch (SQLException e) {
            // not cached: the server may simply be down right now
            return new Feature(false, "not available: the primary did not answer (" + e.getMessage() + ")");
        }
    }

    private Feature detectAllStats() {
        try {
            return readOnly(Duration.ofSeconds(5), c -> {
                boolean can = (Boolean) rows(c, "SELECT pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AS ok")
                        .getFirst()
                        .get("ok");
                return can
                        ? new Feature(true, null)
                        : new Feature(
                                false,
                                "limited: this role sees the query text and state of its own sessions only;"
                                        + " enable: GRANT pg_monitor TO <service role> WITH INHERIT TRUE"
                                        + " (migration V60 does it when the migrating role may)");
            });
        } catch (SQLException e) {
            return new Feature(false, "unknown: the primary did not answer (" + e.getMessage() + ")");
        }
    }

    /** Every row of a statement as column → value, in column order; values are bound, never joined in. */
    public static List<Map<String, Object>> rows(Connection c, String sql, Object... params) throws SQLException {
        return Rows.rows(c, sql, params);
    }
}
