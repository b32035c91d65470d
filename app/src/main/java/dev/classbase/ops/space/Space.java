package dev.classbase.ops.space;

import dev.classbase.ops.kernel.BoundedRead;
import dev.classbase.ops.kernel.Rows;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import javax.sql.DataSource;

/**
 * Where the disk goes: tables (partitions rolled up), indexes, materialized views, and per table
 * the dead tuples and the last vacuum and analyze. Each question runs in its own read-only
 * transaction with a {@code SET LOCAL statement_timeout}, always rolled back.
 */
public final class Space {

    public record TableSize(
            String schema,
            String table,
            long tableBytes,
            long indexBytes,
            long totalBytes,
            long estimatedRows,
            int partitions) {}

    public record IndexSize(String schema, String table, String index, long bytes) {}

    public record ViewSize(String schema, String view, long bytes, boolean populated) {}

    public record TableMaintenance(
            String schema,
            String table,
            long liveTuples,
            long deadTuples,
            OffsetDateTime lastVacuum,
            OffsetDateTime lastAutovacuum,
            OffsetDateTime lastAnalyze,
            OffsetDateTime lastAutoanalyze) {
        /** Dead share of all tuples, 0 for an empty table. */
        public double deadPercent() {
            long all = liveTuples + deadTuples;
            return all == 0 ? 0 : 100.0 * deadTuples / all;
        }
    }

    public record Report(
            List<TableSize> tables,
            List<IndexSize> indexes,
            List<ViewSize> views,
            List<TableMaintenance> maintenance) {}

    private final DataSource dataSource;
    private final Duration statementTimeout;

    public Space(DataSource dataSource, Duration statementTimeout) {
        this.dataSource = dataSource;
        this.statementTimeout = statementTimeout;
    }

    public Report report() throws SQLException {
        return new Report(tables(), indexes(), views(), maintenance());
    }

    public List<TableSize> tables() throws SQLException {
        return query(TableSize.class, SpaceQueries.tableSizes());
    }

    public List<IndexSize> indexes() throws SQLException {
        return query(IndexSize.class, SpaceQueries.indexSizes());
    }

    public List<ViewSize> views() throws SQLException {
        return query(ViewSize.class, SpaceQueries.materializedViewSizes());
    }

    public List<TableMaintenance> maintenance() throws SQLException {
        return query(TableMaintenance.class, SpaceQueries.maintenance());
    }

    /** Every row as a {@code type}, filled by column label, in the bounded read. */
    private <T extends Record> List<T> query(Class<T> type, String sql) throws SQLException {
        return BoundedRead.run(dataSource, statementTimeout, c -> Rows.rows(c, type, sql));
    }
}
