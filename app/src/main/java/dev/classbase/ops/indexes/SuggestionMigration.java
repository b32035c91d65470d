package dev.classbase.ops.indexes;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The advisor's suggestions as a Flyway script. {@code CREATE INDEX CONCURRENTLY} cannot run in a
 * transaction; Flyway recognises the statement and runs such a script outside one (classbase's
 * Migrations also sets {@code mixed(true)}), as V10 to V13 and V20, V21 rely on. {@code IF NOT EXISTS}
 * makes a rerun after a half-applied script harmless; a build that failed leaves an invalid index
 * of that name, which IF NOT EXISTS would keep, so the header says to drop it first.
 */
public final class SuggestionMigration {
    private SuggestionMigration() {}

    private static final Pattern VERSIONED = Pattern.compile("^V(\\d+)__.*\\.sql$", Pattern.CASE_INSENSITIVE);

    /** One above the highest {@code V<n>__*.sql} among the names (1 when there is none). */
    public static int nextVersion(Collection<String> fileNames) {
        int max = 0;
        for (String name : fileNames) {
            Matcher m = VERSIONED.matcher(name);
            if (m.matches()) {
                max = Math.max(max, Integer.parseInt(m.group(1)));
            }
        }
        return max + 1;
    }

    public static String fileName(int version) {
        return "V" + version + "__index_suggestions.sql";
    }

    /**
     * The script: validated suggestions as statements; unvalidated ones too when asked, else as
     * commented-out lines to check by hand first.
     */
    public static String render(SuggestionReport report, boolean includeUnvalidated, Instant now) {
        StringBuilder sql = new StringBuilder();
        sql.append("-- Index suggestions by classbase's index advisor (ops/indexes/Advisor), ")
                .append(now.truncatedTo(ChronoUnit.SECONDS))
                .append(".\n");
        sql.append(
                report.validated()
                        ? "-- Validated with HypoPG: each index cut its statement's estimated cost by at least "
                                + String.format(Locale.ROOT, "%.0f", report.minCutPercent()) + " %.\n"
                        : "-- NOT validated (" + report.note() + ").\n");
        sql.append("-- CONCURRENTLY: no write lock while an index builds; Flyway runs this script outside a\n")
                .append("-- transaction. If a build fails it leaves an INVALID index of that name: drop it\n")
                .append("-- (DROP INDEX CONCURRENTLY) before running the script again.\n");
        List<Suggestion> list = report.suggestions();
        if (list.isEmpty()) {
            sql.append("-- No suggestions: nothing to create.\n");
        }
        for (Suggestion s : list) {
            sql.append('\n');
            sql.append("-- ")
                    .append(s.schema())
                    .append('.')
                    .append(s.table())
                    .append(": ")
                    .append(s.reason())
                    .append('\n');
            sql.append("-- for ")
                    .append(s.statement().source())
                    .append(" (")
                    .append(String.format(
                            Locale.ROOT,
                            "%,d calls, %.0f ms total",
                            s.statement().calls(),
                            s.statement().totalMs()))
                    .append(s.statements() > 1 ? ", and " + (s.statements() - 1) + " more statement(s)" : "")
                    .append("): ")
                    .append(oneLine(s.statement().query()))
                    .append('\n');
            if (s.validated()) {
                sql.append(String.format(
                        Locale.ROOT,
                        "-- estimated cost %.1f -> %.1f (-%.1f %%)%n",
                        s.costBefore(),
                        s.costAfter(),
                        s.cutPercent()));
                sql.append(s.createStatement()).append('\n');
            } else if (includeUnvalidated) {
                sql.append("-- not validated: check with EXPLAIN before applying\n");
                sql.append(s.createStatement()).append('\n');
            } else {
                sql.append("-- not validated; uncomment after checking with EXPLAIN:\n");
                sql.append("-- ").append(s.createStatement()).append('\n');
            }
        }
        return sql.toString();
    }

    /** Whether the script creates anything (a script of comments only is not worth a version). */
    public static boolean createsAnything(SuggestionReport report, boolean includeUnvalidated) {
        return report.suggestions().stream().anyMatch(s -> s.validated() || includeUnvalidated);
    }

    private static String oneLine(String query) {
        String line = query.replaceAll("\\s+", " ").trim();
        return line.length() > 200 ? line.substring(0, 197) + "..." : line;
    }
}
