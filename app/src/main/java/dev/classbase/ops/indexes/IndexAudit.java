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
     * {@code bloatMinBytes}: indexes smaller than this are not worth a rebuild (nor a read by
     * pgstatindex); {@code bloatMinWasteBytes}: the bytes a rebuild would free, PgHero's 10 MB for
     * index bloat (0: every index of at least {@code bloatMinBytes}, as maintenance reads them).
     */
    public record Thresholds(
            long unusedMinBytes,
            long missingMinRows,
            long bloatMinBytes,
            long bloatMinWasteBytes,
            Duration statementTimeout) {
        public static Thresholds defaults() {
            return new Thresholds(10L << 20, 10_000, 10L << 20, 10L << 20, Duration.ofSeconds(10));
        }

        /** Every index of at least {@code bloatMinBytes} with its waste, however small. */
        public Thresholds(long unusedMinBytes, long missingMinRows, long bloatMinBytes, Duration statementTimeout) {
            this(unusedMinBytes, missingMinRows, bloatMinBytes, 0, statementTimeout);
        }

        public Thresholds withTimeout(Duration timeout) {
            return new Thresholds(unusedMinBytes, missingMinRows, bloatMinBytes, bloatMinWasteBytes, timeout);
        }

        public Thresholds {
            if (unusedMinBytes < 0 || missingMinRows < 0 || bloatMinBytes < 0 || bloatMinWasteBytes < 0) {
                throw new IllegalArgumentException("index audit thresholds cannot be negative");
            }
            if (statementTimeout == null || statementTimeout.isNegative() || statementTimeout.isZero()) {
                throw new IllegalArgumentException("index audit statement timeout must be positive");
            }
        }
    }

    public record UnusedIndex(String schema, String table, String index, long bytes) {}

    /**
     * {@code index} is redundant given {@code coveredBy}: {@code exact} duplicate, or a btree prefix.
     * {@code scans} and {@code coveredByScans}: index scans on this server since statistics were reset.
     */
    public record RedundantIndex(
            String schema,
            String table,
            String index,
            String coveredBy,
            String method,
            boolean exact,
            long bytes,
            String definition,
            String coveredByDefinition,
            long scans,
            long coveredByScans) {}

    public record InvalidIndex(String schema, String table, String index, long bytes, String definition) {}

    public record MissingIndexCandidate(
            String schema,
            String table,
            long liveRows,
            long seqScans,
            long seqRowsRead,
            long idxScans,
            Double indexUsePercent) {}

    /**
     * {@code bloatBytes}: what a rebuild would free. {@code exact}: leaf density measured by
     * pgstattuple; otherwise estimated from statistics.
     */
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
        DropAdvice.Advice drops = drops();
        return new Report(drops.unused(), drops.redundant(), invalid(), missing(), bloat());
    }

    /**
     * Unused indexes of at least the bound, less those kept because the indexes advised beside them
     * (here or in {@link #redundant()}) would otherwise leave their columns unserved ({@link DropAdvice}).
     */
    public List<UnusedIndex> unused() throws SQLException {
        return drops().unused();
    }

    /** Duplicate and prefix-redundant indexes whose covering index is kept ({@link DropAdvice}). */
    public List<RedundantIndex> redundant() throws SQLException {
        return drops().redundant();
    }

    /** Both drop lists from one read, reconciled. */
    private DropAdvice.Advice drops() throws SQLException {
        return bounded(c -> {
            List<UnusedIndex> unused = query(
                    c,
                    IndexQueries.unusedIndexes(),
                    thresholds.unusedMinBytes(),
                    rs -> new UnusedIndex(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
            List<RedundantIndex> pairs = query(
                    c,
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
                            rs.getString(9),
                            rs.getLong(10),
                            rs.getLong(11)));
            return DropAdvice.of(unused, pairs);
        });
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
        return Rows.list(
                c,
                sql,
                rs -> new IndexBloat(
                        rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5), exact),
                thresholds.bloatMinBytes(),
                thresholds.bloatMinWasteBytes());
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
