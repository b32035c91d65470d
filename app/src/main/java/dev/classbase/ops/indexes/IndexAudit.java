package dev.classbase.ops.indexes;

import dev.classbase.ops.kernel.BoundedRead;
import dev.classbase.ops.kernel.Rows;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/**
 * The index audit: unused, redundant, invalid and bloated indexes, and tables that look like they
 * miss one. Each question runs in its own read-only transaction with a {@code SET LOCAL
 * statement_timeout}, always rolled back. Whether pgstattuple is installed (and callable) is asked once; without it
 * bloat is the catalog-statistics estimate.
 */
public final class IndexAudit {

    /**
     * Thresholds. {@code unusedMinBytes}: 10 MB, the console's unused-index check (smaller unused
     * indexes cost little); {@code missingMinRows}: 10,000 live rows, PgHero's bound for "index usage";
     * {@code bloatMinBytes}: indexes smaller than this are not worth a rebuild.
     */
    public record Thresholds(long unusedMinBytes, long missingMinRows, long bloatMinBytes, Duration statementTimeout) {
        public static Thresholds defaults() {
            return new Thresholds(10L << 20, 10_000, 10L << 20, Duration.ofSeconds(10));
        }

        public Thresholds withTimeout(Duration timeout) {
            return new Thresholds(unusedMinBytes, missingMinRows, bloatMinBytes, timeout);
        }

        public Thresholds {
            if (unusedMinBytes < 0 || missingMinRows < 0 || bloatMinBytes < 0) {
                throw new IllegalArgumentException("index audit thresholds cannot be negative");
            }
            if (statementTimeout == null || statementTimeout.isNegative() || statementTimeout.isZero()) {
                throw new IllegalArgumentException("index audit statement timeout must be positive");
            }
        }
    }

    public record UnusedIndex(String schema, String table, String index, long bytes) {}

    /** {@code index} is redundant given {@code coveredBy}: {@code exact} duplicate, or a btree prefix. */
    public record RedundantIndex(
            String schema,
            String table,
            String index,
            String coveredBy,
            String method,
            boolean exact,
            long bytes,
            String definition,
            String coveredByDefinition) {}

    public record InvalidIndex(String schema, String table, String index, long bytes, String definition) {}

    public record MissingIndexCandidate(
            String schema,
            String table,
            long liveRows,
            long seqScans,
            long seqRowsRead,
            long idxScans,
            Double indexUsePercent) {}

    /** {@code exact}: measured by pgstattuple; otherwise estimated from statistics. */
    public record IndexBloat(String schema, String table, String index, long bytes, long bloatBytes, boolean exact) {}

    public record Report(
            List<UnusedIndex> unused,
            List<RedundantIndex> redundant,
            List<InvalidIndex> invalid,
            List<MissingIndexCandidate> missing,
            List<IndexBloat> bloat) {}

    private final DataSource dataSource;
    private final Thresholds thresholds;
    private volatile Boolean pgstattuple;

    public IndexAudit(DataSource dataSource, Thresholds thresholds) {
        this.dataSource = dataSource;
        this.thresholds = thresholds;
    }

    public Report audit() throws SQLException {
        return new Report(unused(), redundant(), invalid(), missing(), bloat());
    }

    public List<UnusedIndex> unused() throws SQLException {
        return query(
                IndexQueries.unusedIndexes(),
                thresholds.unusedMinBytes(),
                rs -> new UnusedIndex(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
    }

    public List<RedundantIndex> redundant() throws SQLException {
        return query(
                IndexQueries.redundantIndexes(),
                null,
                rs -> new RedundantIndex(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getBoolean(6),
                        rs.getLong(7),
                        rs.getString(8),
                        rs.getString(9)));
    }

    public List<InvalidIndex> invalid() throws SQLException {
        return bounded(this::invalid);
    }

    /** On the caller's connection, inside whatever transaction and time limit it has. */
    public List<InvalidIndex> invalid(Connection c) throws SQLException {
        return query(
                c,
                IndexQueries.invalidIndexes(),
                null,
                rs -> new InvalidIndex(
                        rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5)));
    }

    public List<MissingIndexCandidate> missing() throws SQLException {
        return query(IndexQueries.missingIndexCandidates(), thresholds.missingMinRows(), rs -> {
            double pct = rs.getDouble(7);
            return new MissingIndexCandidate(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getLong(3),
                    rs.getLong(4),
                    rs.getLong(5),
                    rs.getLong(6),
                    rs.wasNull() ? null : pct);
        });
    }

    public List<IndexBloat> bloat() throws SQLException {
        boolean exact = pgstattupleUsable();
        return bounded(c -> bloat(c, exact));
    }

    /** On the caller's connection, inside whatever transaction and time limit it has. */
    public List<IndexBloat> bloat(Connection c) throws SQLException {
        return bloat(c, pgstattupleUsable(c));
    }

    private List<IndexBloat> bloat(Connection c, boolean exact) throws SQLException {
        String sql = exact ? IndexQueries.bloatFromPgstattuple() : IndexQueries.bloatEstimate();
        return query(
                c,
                sql,
                thresholds.bloatMinBytes(),
                rs -> new IndexBloat(
                        rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5), exact));
    }

    /** Asked once per audit object: installing the extension later takes a new one (or a restart). */
    public boolean pgstattupleUsable() throws SQLException {
        Boolean known = pgstattuple;
        return known != null ? known : bounded(this::pgstattupleUsable);
    }

    private boolean pgstattupleUsable(Connection c) throws SQLException {
        Boolean known = pgstattuple;
        if (known == null) {
            known = query(c, IndexQueries.pgstattupleUsable(), null, rs -> rs.getBoolean(1))
                    .getFirst();
            pgstattuple = known;
        }
        return known;
    }

    private <T> List<T> query(String sql, Long bind, Rows.Mapper<T> row) throws SQLException {
        return bounded(c -> query(c, sql, bind, row));
    }

    /** A read in its own bounded read-only transaction with the audit's statement timeout. */
    private <T> T bounded(BoundedRead.Work<T> read) throws SQLException {
        return BoundedRead.run(dataSource, thresholds.statementTimeout(), read);
    }

    private static <T> List<T> query(Connection c, String sql, Long bind, Rows.Mapper<T> row) throws SQLException {
        Object[] params = bind == null ? new Object[0] : new Object[] {bind};
        return Rows.list(c, sql, row, params);
    }
}
