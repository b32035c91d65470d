package dev.classbase.cli;

import dev.classbase.ops.space.Space;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "space",
        description = {
            "Where the disk goes on the primary: tables (partitions rolled up), indexes, materialized views,",
            "then dead tuples and the last vacuum and analyze per table. Read-only."
        })
final class SpaceCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    @Option(names = "--top", defaultValue = "20", description = "rows per section (default 20)")
    int top;

    @Option(names = "--timeout", defaultValue = "10s", description = "statement timeout per question, e.g. 10s, 1m")
    String timeout;

    @picocli.CommandLine.Mixin
    DataDir dataDir;

    @Override
    public Integer call() throws SQLException {
        if (top < 1) {
            throw new IllegalArgumentException("--top must be at least 1, got " + top);
        }
        try (DatabaseTarget target = DatabaseTarget.open(dataDir.path(), Settings.replicas(null))) {
            Space.Report r = new Space(target.primaryDataSource(), IndexesCommand.duration(timeout)).report();
            System.out.printf(
                    "%-40s %10s %10s %10s %12s %s%n",
                    "table", "total", "table", "indexes", "rows (est.)", "partitions");
            r.tables().stream()
                    .limit(top)
                    .forEach(t -> System.out.printf(
                            "%-40s %10s %10s %10s %12s %s%n",
                            t.schema() + "." + t.table(),
                            size(t.totalBytes()),
                            size(t.tableBytes()),
                            size(t.indexBytes()),
                            String.format("~%,d", t.estimatedRows()),
                            t.partitions() == 0 ? "-" : t.partitions()));
            System.out.printf("%n%-50s %10s%n", "index", "size");
            r.indexes().stream()
                    .limit(top)
                    .forEach(i -> System.out.printf(
                            "%-50s %10s%n", i.schema() + "." + i.index() + " (" + i.table() + ")", size(i.bytes())));
            System.out.printf("%n%-40s %10s %s%n", "materialized view", "size", "populated");
            r.views().stream()
                    .limit(top)
                    .forEach(v -> System.out.printf(
                            "%-40s %10s %s%n",
                            v.schema() + "." + v.view(), size(v.bytes()), v.populated() ? "yes" : "no"));
            System.out.printf(
                    "%n%-40s %12s %12s %6s %-16s %-16s%n",
                    "table", "live", "dead", "dead%", "last vacuum", "last analyze");
            r.maintenance().stream()
                    .limit(top)
                    .forEach(m -> System.out.printf(
                            "%-40s %12s %12s %5.1f%% %-16s %-16s%n",
                            m.schema() + "." + m.table(),
                            String.format("%,d", m.liveTuples()),
                            String.format("%,d", m.deadTuples()),
                            m.deadPercent(),
                            latest(m.lastVacuum(), m.lastAutovacuum()),
                            latest(m.lastAnalyze(), m.lastAutoanalyze())));
        }
        return 0;
    }

    private static String latest(OffsetDateTime manual, OffsetDateTime auto) {
        OffsetDateTime t = manual == null ? auto : auto == null || manual.isAfter(auto) ? manual : auto;
        return t == null ? "never" : TIME.format(t.atZoneSameInstant(ZoneOffset.UTC));
    }

    private static String size(long bytes) {
        return IndexesCommand.size(bytes);
    }
}
