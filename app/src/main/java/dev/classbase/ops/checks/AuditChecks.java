package dev.classbase.ops.checks;

import dev.classbase.data.pool.Pools;
import dev.classbase.ops.indexes.IndexAudit;
import dev.classbase.ops.kernel.ConsoleDatabase;
import dev.classbase.ops.kernel.ConsoleProperties;
import dev.classbase.ops.space.DataDirectoryDisk;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Function;
import org.springframework.stereotype.Component;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The overview's checks on indexes and storage: duplicate, unused and missing indexes and index
 * bloat from the index audit (ops/indexes, the same numbers as {@code ./classbase indexes audit}),
 * table bloat from dead tuples, and disk usage of the data directory.
 */
@Component
class AuditChecks {
    /** The disk alert's default (> 85 %); red when the server is about to stop accepting writes. */
    static final double DISK_AMBER = 85;

    static final double DISK_RED = 95;
    /** Dead rows worth a look: below this, autovacuum's next pass handles the table in moments. */
    static final long BLOATED_TABLE_MIN_DEAD = 10_000;

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record DuplicateIndex(String table, String index, String coveredBy, boolean exact, long bytes) {}

    record UnusedIndex(String table, String index, long bytes) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record MissingIndex(String table, long liveRows, long seqScans, long seqRowsRead, Double indexUsePercent) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record BloatedIndex(String table, String index, long bytes, long bloatBytes) {}

    /** The data directory's row, and the filesystem it is on when measured here. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record DiskUsage(
            String dataDirectory,
            Integer port,
            Long started,
            Long databaseBytes,
            String filesystem,
            long filesystemBytes,
            long availableBytes,
            Double usedPercent) {}

    private final ConsoleDatabase db;
    private final ConsoleProperties props;
    private final IndexAudit audit;

    AuditChecks(ConsoleDatabase db, ConsoleProperties props, Pools pools) {
        this.db = db;
        this.props = props;
        this.audit =
                new IndexAudit(pools.primary(), IndexAudit.Thresholds.defaults().withTimeout(props.checkTimeout()));
    }

    Check duplicateIndexes() throws SQLException {
        List<IndexAudit.RedundantIndex> rows = audit.redundant();
        return new Check(
                "duplicate_indexes",
                rows.isEmpty() ? Check.GREEN : Check.AMBER,
                rows.size() + " duplicate or prefix-redundant indexes",
                "amber when an index repeats another of the same method and predicate, or is a btree prefix of one",
                "PgHero duplicate_indexes; ./classbase indexes audit",
                null,
                details(
                        rows,
                        r -> new DuplicateIndex(
                                r.schema() + "." + r.table(), r.index(), r.coveredBy(), r.exact(), r.bytes())));
    }

    Check unusedIndexes() throws SQLException {
        List<IndexAudit.UnusedIndex> rows = audit.unused();
        return new Check(
                "unused_indexes",
                rows.isEmpty() ? Check.GREEN : Check.AMBER,
                rows.size() + " unused indexes of 10 MB or more",
                "amber when an index of >= 10 MB has never been scanned since statistics were reset",
                "PgHero unused_indexes; 10 MB or more (smaller unused indexes cost little)",
                "counted on the primary only: an index used only by replica reads shows as unused",
                details(rows, r -> new UnusedIndex(r.schema() + "." + r.table(), r.index(), r.bytes())));
    }

    Check missingIndexes() throws SQLException {
        List<IndexAudit.MissingIndexCandidate> rows = audit.missing();
        return new Check(
                "missing_indexes",
                rows.isEmpty() ? Check.GREEN : Check.AMBER,
                rows.size() + " large tables read mostly by sequential scans",
                "amber when a table of >= 10,000 rows gets < 95 % of its scans from indexes",
                "PgHero index usage (95 %, 10,000 rows); suggestions: GET .../indexes/suggestions",
                null,
                details(
                        rows,
                        r -> new MissingIndex(
                                r.schema() + "." + r.table(),
                                r.liveRows(),
                                r.seqScans(),
                                r.seqRowsRead(),
                                r.indexUsePercent())));
    }

    Check indexBloat() throws SQLException {
        List<IndexAudit.IndexBloat> rows = audit.bloat();
        boolean exact = !rows.isEmpty() && rows.getFirst().exact();
        return new Check(
                "index_bloat",
                rows.isEmpty() ? Check.GREEN : Check.AMBER,
                rows.size() + " indexes with >= 10 MB of bloat",
                "amber when a rebuild of an index would free >= 10 MB (REINDEX CONCURRENTLY: ./classbase maintain"
                        + " reindex)",
                "PgHero index_bloat (10 MB); pgstattuple's leaf density against the fillfactor when installed, else"
                        + " the btree estimate",
                rows.isEmpty() || exact ? null : "estimated from statistics (install pgstattuple for exact numbers)",
                details(
                        rows,
                        r -> new BloatedIndex(r.schema() + "." + r.table(), r.index(), r.bytes(), r.bloatBytes())));
    }

    Check tableBloat() throws SQLException {
        var rows = db.readOnly(props.checkTimeout(), c -> CheckQueries.bloatedTables(c, BLOATED_TABLE_MIN_DEAD));
        return new Check(
                "table_bloat",
                rows.isEmpty() ? Check.GREEN : Check.AMBER,
                rows.size() + " tables with more than 20 % dead rows",
                "amber when dead rows are > 20 % of a table and >= " + BLOATED_TABLE_MIN_DEAD,
                "PostgreSQL manual 24.1.6 (autovacuum_vacuum_scale_factor 0.2)",
                null,
                rows);
    }

    /** Measured on this host when the data directory is provably the server's ({@link DataDirectoryDisk}). */
    Check diskUsage() throws SQLException {
        CheckQueries.DataDirectory row = db.readOnly(props.checkTimeout(), CheckQueries::dataDirectory);
        String threshold = "amber > " + DISK_AMBER + " %; red > " + DISK_RED + " %";
        String source = "disk > 85 %, as the disk alert (classbase.alerts.disk-percent)";
        DataDirectoryDisk.Measurement m = DataDirectoryDisk.measure(row.dataDirectory(), row.port(), row.started());
        if (!m.available()) {
            return new Check("disk_usage", Check.UNAVAILABLE, null, threshold, source, m.notAvailable(), List.of(row));
        }
        DiskUsage details = new DiskUsage(
                row.dataDirectory(),
                row.port(),
                row.started(),
                row.databaseBytes(),
                m.filesystem(),
                m.totalBytes(),
                m.availableBytes(),
                m.usedPercent());
        double percent = m.usedPercent();
        return new Check(
                "disk_usage",
                percent > DISK_RED ? Check.RED : percent > DISK_AMBER ? Check.AMBER : Check.GREEN,
                percent + " % of the data directory's filesystem used",
                threshold,
                source,
                null,
                List.of(details));
    }

    private static <T, R extends Record> List<R> details(List<T> rows, Function<T, R> row) {
        return rows.stream().map(row).toList();
    }
}
