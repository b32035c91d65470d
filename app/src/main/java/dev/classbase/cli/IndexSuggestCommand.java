package dev.classbase.cli;

import dev.classbase.ops.indexes.Advisor;
import dev.classbase.ops.indexes.AdvisorProperties;
import dev.classbase.ops.indexes.ServerLog;
import dev.classbase.ops.indexes.Suggestion;
import dev.classbase.ops.indexes.SuggestionMigration;
import dev.classbase.ops.indexes.SuggestionReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code classbase indexes suggest}: the index advisor, and with --migration a Flyway script. */
@Command(
        name = "suggest",
        description = {
            "Index suggestions from pg_stat_statements' heaviest statements, validated with HypoPG",
            "hypothetical indexes when the extension is installed (heuristic and marked so otherwise).",
            "--log adds the heaviest literal statements of a PostgreSQL server log, explained with their",
            "values (log_min_duration_statement's 'duration: ... statement:' and 'execute ...' with their",
            "parameters, or auto_explain's 'plan:' with 'Query Text:'), so filters on rare values count.",
            "Read-only. --migration writes them as a Flyway script of CREATE INDEX CONCURRENTLY."
        })
final class IndexSuggestCommand implements Callable<Integer> {
    @Option(names = "--min-cut", defaultValue = "50", description = "smallest estimated cost cut in % (default 50)")
    double minCut;

    @Option(names = "--top", defaultValue = "20", description = "statements to examine, by total time (default 20)")
    int top;

    @Option(
            names = "--min-rows",
            defaultValue = "10000",
            description = "without HypoPG: smallest table to suggest for (default 10000)")
    long minRows;

    @Option(names = "--timeout", defaultValue = "5s", description = "statement timeout per EXPLAIN, e.g. 5s")
    String timeout;

    @Option(
            names = "--log",
            description = "a PostgreSQL server log (stderr format) whose literal statements to examine too")
    Path log;

    @Option(names = "--migration", description = "write the suggestions as a Flyway script")
    boolean migration;

    @Option(names = "--out", description = "the script's file, or a folder for V<next>__index_suggestions.sql")
    Path out;

    @Option(
            names = "--migration-dir",
            defaultValue = "app/src/main/resources/db/migration",
            description = "the migrations the next V number follows (default: the repository's)")
    Path migrationDir;

    @Option(names = "--include-unvalidated", description = "put heuristic suggestions in the script too")
    boolean includeUnvalidated;

    @picocli.CommandLine.Mixin
    DataDir dataDir;

    @Override
    public Integer call() throws SQLException, IOException {
        if (Double.isNaN(minCut) || minCut < 0 || minCut > 100) {
            throw new IllegalArgumentException("--min-cut must be a percentage between 0 and 100, got " + minCut);
        }
        if (top < 1 || top > 500) {
            throw new IllegalArgumentException("--top must be between 1 and 500, got " + top);
        }
        if (minRows < 0) {
            throw new IllegalArgumentException("--min-rows cannot be negative, got " + minRows);
        }
        AdvisorProperties settings = AdvisorProperties.defaults()
                .withMinCutPercent(minCut)
                .withTopStatements(top)
                .withMinRows(minRows)
                .withStatementTimeout(IndexesCommand.duration(timeout));
        Path target = migration ? scriptPath() : null;
        if (log != null && !Files.isReadable(log)) {
            throw new IllegalArgumentException("--log " + log + " is not a readable file");
        }
        List<Suggestion.Statement> logged = log == null ? List.of() : ServerLog.heaviest(log, top);
        SuggestionReport report;
        try (DatabaseTarget db = DatabaseTarget.open(dataDir.path(), Settings.replicas(null))) {
            report = new Advisor(db.primaryDataSource(), settings).suggest(logged);
        }
        print(report);
        if (target != null) {
            if (!SuggestionMigration.createsAnything(report, includeUnvalidated)) {
                System.out.println("no script written: nothing validated to create"
                        + (report.suggestions().isEmpty() ? "" : " (--include-unvalidated adds the heuristic ones)"));
                return 0;
            }
            Files.createDirectories(target.toAbsolutePath().getParent());
            Files.writeString(target, SuggestionMigration.render(report, includeUnvalidated, Instant.now()));
            System.out.println("wrote " + target);
        }
        return 0;
    }

    private static void print(SuggestionReport r) {
        if (!r.statementsAvailable()) {
            System.out.println("pg_stat_statements: " + r.note());
            if (r.logStatementsExamined() == 0) {
                return;
            }
        }
        System.out.printf(
                Locale.ROOT,
                "index suggestions from the top %d statements%s (%s): %d%n",
                r.statementsExamined(),
                r.logStatementsExamined() == 0 ? "" : ", " + r.logStatementsExamined() + " of them from the log",
                r.validated()
                        ? String.format(Locale.ROOT, "validated with HypoPG, cost cut >= %.0f %%", r.minCutPercent())
                        : "NOT validated, heuristic: HypoPG " + r.note(),
                r.suggestions().size());
        for (Suggestion s : r.suggestions()) {
            System.out.printf(
                    Locale.ROOT,
                    "  %s.%s (%s)%s  %s  %s%n    %s%n",
                    s.schema(),
                    s.table(),
                    String.join(", ", s.columns()),
                    s.predicate() == null ? "" : " where " + s.predicate(),
                    s.validated()
                            ? String.format(
                                    Locale.ROOT,
                                    "cost %.1f -> %.1f (-%.1f %%)",
                                    s.costBefore(),
                                    s.costAfter(),
                                    s.cutPercent())
                            : String.format(Locale.ROOT, "cost %.1f, not validated", s.costBefore()),
                    s.statement().source(),
                    s.createStatement());
        }
        if (!r.covered().isEmpty()) {
            System.out.printf(
                    "candidates an existing index already covers: %d%n",
                    r.covered().size());
            r.covered()
                    .forEach(k -> System.out.printf(
                            "  %s.%s (%s)  by %s (%s)%n",
                            k.schema(), k.table(), String.join(", ", k.columns()), k.coveredBy(), k.method()));
        }
        if (!r.skewed().isEmpty()) {
            System.out.printf(
                    "filters on a skewed column, judged on a generic plan (a log with literal statements,"
                            + " --log, judges the rare values): %d%n",
                    r.skewed().size());
            r.skewed()
                    .forEach(k -> System.out.printf(
                            Locale.ROOT,
                            "  %s.%s.%s = $n  queryid %s: a generic plan assumes %.2f %% of rows; '%s' %.2f %%,"
                                    + " rare: %s%n",
                            k.schema(),
                            k.table(),
                            k.column(),
                            k.queryId(),
                            k.genericPercent(),
                            k.mostCommon().value(),
                            k.mostCommon().percent(),
                            String.join(
                                    ", ",
                                    k.rare().stream()
                                            .map(v ->
                                                    String.format(Locale.ROOT, "'%s' %.3f %%", v.value(), v.percent()))
                                            .toList())));
        }
        if (!r.skipped().isEmpty()) {
            System.out.printf(
                    "statements that could not be examined: %d%n", r.skipped().size());
            r.skipped().forEach(k -> System.out.printf("  %s: %s%n", k.queryId(), k.reason()));
        }
    }

    /** --out as a file, or V<next>__index_suggestions.sql in --out (a folder) or the migration folder. */
    private Path scriptPath() throws IOException {
        if (out != null && !Files.isDirectory(out)) {
            if (Files.exists(out)) {
                throw new IllegalArgumentException("--out " + out + " exists; give a new file or a folder");
            }
            return out;
        }
        List<String> names = new ArrayList<>(names(migrationDir));
        if (out == null && !Files.isDirectory(migrationDir)) {
            throw new IllegalArgumentException(
                    "no migration folder at " + migrationDir + "; give --migration-dir or --out");
        }
        Path folder = out != null ? out : migrationDir;
        names.addAll(names(folder));
        return folder.resolve(SuggestionMigration.fileName(SuggestionMigration.nextVersion(names)));
    }

    private static List<String> names(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }
}
