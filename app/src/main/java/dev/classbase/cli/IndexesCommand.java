package dev.classbase.cli;

import dev.classbase.ops.indexes.IndexAudit;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "indexes",
        description = "Index health of the primary: unused, duplicate, invalid, missing and bloated indexes.",
        subcommands = {IndexesCommand.Audit.class, IndexSuggestCommand.class})
final class IndexesCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(
            name = "audit",
            description = {
                "Read-only (each question in a rolled-back transaction with a statement timeout).",
                "Unused counts scans on the primary only: an index serving replica reads looks unused here."
            })
    static final class Audit implements Callable<Integer> {
        @Option(
                names = "--unused-min-bytes",
                defaultValue = "10485760",
                description = "smallest unused index to report (default 10 MB)")
        long unusedMinBytes;

        @Option(
                names = "--missing-min-rows",
                defaultValue = "10000",
                description = "smallest table for a missing-index candidate")
        long missingMinRows;

        @Option(
                names = "--bloat-min-bytes",
                defaultValue = "10485760",
                description = "smallest index for a bloat estimate (default 10 MB)")
        long bloatMinBytes;

        @Option(
                names = "--bloat-min-waste",
                defaultValue = "10485760",
                description = "smallest bloat to report: bytes a rebuild would free (default 10 MB)")
        long bloatMinWaste;

        @Option(names = "--timeout", defaultValue = "10s", description = "statement timeout per question, e.g. 10s, 1m")
        String timeout;

        @picocli.CommandLine.Mixin
        DataDir dataDir;

        @Override
        public Integer call() throws SQLException {
            IndexAudit.Thresholds thresholds = new IndexAudit.Thresholds(
                    unusedMinBytes, missingMinRows, bloatMinBytes, bloatMinWaste, duration(timeout));
            try (DatabaseTarget target = DatabaseTarget.open(dataDir.path(), Settings.replicas(null))) {
                IndexAudit audit = new IndexAudit(target.primaryDataSource(), thresholds);
                IndexAudit.Report r = audit.audit();
                System.out.printf(
                        "unused indexes (no scans, >= %s): %d%n",
                        size(unusedMinBytes), r.unused().size());
                r.unused()
                        .forEach(u -> System.out.printf(
                                "  %s.%s on %s  %s%n", u.schema(), u.index(), u.table(), size(u.bytes())));
                System.out.printf("redundant indexes: %d%n", r.redundant().size());
                r.redundant()
                        .forEach(d -> System.out.printf(
                                "  %s.%s on %s  %s of %s (%s)  %s%n",
                                d.schema(),
                                d.index(),
                                d.table(),
                                d.exact() ? "duplicate" : "prefix",
                                d.coveredBy(),
                                d.method(),
                                size(d.bytes())));
                System.out.printf("invalid indexes: %d%n", r.invalid().size());
                r.invalid()
                        .forEach(i -> System.out.printf(
                                "  %s.%s on %s  (REINDEX INDEX CONCURRENTLY or drop it)  %s%n",
                                i.schema(), i.index(), i.table(), i.definition()));
                System.out.printf(
                        "missing-index candidates (>= %,d rows, < 95%% index scans): %d%n",
                        missingMinRows, r.missing().size());
                r.missing()
                        .forEach(m -> System.out.printf(
                                "  %s.%s  %,d rows, %,d seq scans reading %,d rows, %,d index scans%n",
                                m.schema(), m.table(), m.liveRows(), m.seqScans(), m.seqRowsRead(), m.idxScans()));
                System.out.printf(
                        "index bloat (%s; a rebuild frees >= %s):%n",
                        audit.pgstattupleUsable()
                                ? "measured by pgstattuple"
                                : "estimated; install pgstattuple to measure",
                        size(bloatMinWaste));
                r.bloat()
                        .forEach(b -> System.out.printf(
                                "  %s.%s on %s  %s, ~%s bloat%n",
                                b.schema(), b.index(), b.table(), size(b.bytes()), size(b.bloatBytes())));
            }
            return 0;
        }
    }

    static Duration duration(String text) {
        try {
            return Duration.parse("PT" + text.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("--timeout must look like 10s or 1m, got '" + text + "'");
        }
    }

    static String size(long bytes) {
        return bytes >= 1 << 20 ? String.format("%.1f MB", bytes / 1048576.0) : String.format("%d kB", bytes / 1024);
    }
}
