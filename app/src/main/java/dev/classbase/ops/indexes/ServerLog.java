package dev.classbase.ops.indexes;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Statements with their literal values from a PostgreSQL server log (stderr format, any
 * {@code log_line_prefix}), the advisor's second source after pg_stat_statements, which keeps only
 * {@code $n}. Read: {@code log_min_duration_statement}'s {@code duration: X ms  statement: ...}
 * (simple protocol) and {@code duration: X ms  execute <name>: ...} with the next line's {@code
 * DETAIL:  parameters: $1 = '...'} (extended protocol: the values are put back in place of the
 * {@code $n}), and auto_explain's {@code duration: X ms  plan:} with {@code Query Text:} (and {@code
 * Query Parameters:}), text or JSON format. Continuation lines start with a tab (PostgreSQL writes
 * a message's further lines so). A parameter's message is matched to its statement by the process
 * id in the prefix ({@code [%p]}) when there is one. Statements whose {@code $n} have no values are
 * left out: pg_stat_statements already has them.
 */
public final class ServerLog {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern HEAD = Pattern.compile(
            "^(.*?)\\b(LOG|DETAIL|HINT|CONTEXT|STATEMENT|ERROR|WARNING|NOTICE|INFO|FATAL|PANIC|DEBUG[1-5]?|QUERY"
                    + "|LOCATION):  (.*)$");
    private static final Pattern PID = Pattern.compile("\\[(\\d+)\\]");
    private static final Pattern DURATION =
            Pattern.compile("^duration: ([0-9.]+) ms  (statement|execute [^:\\s]*|plan):\\s?(.*)$", Pattern.DOTALL);
    private static final Pattern PARAMETER = Pattern.compile("\\$(\\d+) = (NULL|'(?:[^']|'')*')");
    private static final Pattern PLAN_LINE = Pattern.compile("^\\s*(->\\s*)?\\S.*\\s\\((cost|actual)[ =].*$");

    /** One statement as logged, values in place. {@code line}: where its message starts (1-based). */
    record Entry(int line, double ms, String sql) {}

    private record Message(int line, String severity, String pid, StringBuilder text) {}

    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, Entry> pendingExecute = new HashMap<>();
    private Message current;
    private int lineNumber;

    /** The heaviest statements of the log by total duration, the same text counted once. */
    public static List<Suggestion.Statement> heaviest(Path file, int top) throws IOException {
        ServerLog log = new ServerLog();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                log.accept(line);
            }
        }
        return heaviest(log.finish(), top);
    }

    static List<Suggestion.Statement> heaviest(List<Entry> entries, int top) {
        record Sum(int line, String sql, long calls, double ms) {}
        Map<String, Sum> byText = new LinkedHashMap<>();
        for (Entry e : entries) {
            String key = e.sql().replaceAll("\\s+", " ").trim();
            Sum s = byText.get(key);
            byText.put(
                    key,
                    s == null
                            ? new Sum(e.line(), e.sql(), 1, e.ms())
                            : new Sum(s.line(), s.sql(), s.calls() + 1, s.ms() + e.ms()));
        }
        return byText.values().stream()
                .sorted(Comparator.comparingDouble(Sum::ms).reversed())
                .limit(top)
                .map(s -> new Suggestion.Statement(Suggestion.Statement.LOG + s.line(), s.sql(), s.calls(), s.ms()))
                .toList();
    }

    void accept(String line) {
        lineNumber++;
        if (line.startsWith("\t") && current != null) {
            current.text().append('\n').append(line, 1, line.length());
            return;
        }
        Matcher m = HEAD.matcher(line);
        if (!m.matches()) {
            if (current != null) {
                current.text().append('\n').append(line);
            }
            return;
        }
        close();
        Matcher pid = PID.matcher(m.group(1));
        current = new Message(lineNumber, m.group(2), pid.find() ? pid.group(1) : "", new StringBuilder(m.group(3)));
    }

    List<Entry> finish() {
        close();
        pendingExecute.values().forEach(this::addIfLiteral);
        pendingExecute.clear();
        return List.copyOf(entries);
    }

    private void close() {
        Message m = current;
        current = null;
        if (m == null) {
            return;
        }
        String text = m.text().toString();
        Entry pending = pendingExecute.remove(m.pid());
        if (m.severity().equals("DETAIL") && pending != null && text.startsWith("parameters: ")) {
            addIfLiteral(new Entry(pending.line(), pending.ms(), bind(pending.sql(), parameters(text))));
            return;
        }
        if (pending != null) {
            addIfLiteral(pending);
        }
        if (!m.severity().equals("LOG")) {
            return;
        }
        Matcher d = DURATION.matcher(text);
        if (!d.matches()) {
            return;
        }
        double ms = Double.parseDouble(d.group(1));
        String kind = d.group(2);
        String body = d.group(3);
        if (kind.equals("statement")) {
            addIfLiteral(new Entry(m.line(), ms, body.trim()));
        } else if (kind.startsWith("execute")) {
            pendingExecute.put(m.pid(), new Entry(m.line(), ms, body.trim()));
        } else {
            String sql = autoExplain(body);
            if (sql != null) {
                addIfLiteral(new Entry(m.line(), ms, sql));
            }
        }
    }

    /** A statement whose {@code $n} all have values; others are pg_stat_statements' business. */
    private void addIfLiteral(Entry e) {
        if (!e.sql().isBlank() && !hasParameter(e.sql())) {
            entries.add(e);
        }
    }

    /** auto_explain's query text, its parameters in place; null when the plan has none. */
    static String autoExplain(String body) {
        String trimmed = body.strip();
        if (trimmed.startsWith("{")) {
            JsonNode root = JSON.readTree(trimmed);
            String sql = root.path("Query Text").asString(null);
            if (sql == null) {
                return null;
            }
            String params = root.path("Query Parameters").asString(null);
            return params == null ? sql.trim() : bind(sql, parameters(params));
        }
        StringBuilder sql = null;
        String params = null;
        for (String line : trimmed.split("\n")) {
            if (sql == null) {
                if (line.strip().startsWith("Query Text: ")) {
                    sql = new StringBuilder(line.strip().substring("Query Text: ".length()));
                }
            } else if (line.strip().startsWith("Query Parameters: ")) {
                params = line.strip().substring("Query Parameters: ".length());
            } else if (PLAN_LINE.matcher(line).matches()) {
                break;
            } else if (params == null) {
                sql.append('\n').append(line);
            }
        }
        if (sql == null) {
            return null;
        }
        return params == null ? sql.toString().trim() : bind(sql.toString().trim(), parameters(params));
    }

    /** {@code $1 = 'a', $2 = NULL} as number → SQL literal. */
    static Map<Integer, String> parameters(String text) {
        Map<Integer, String> out = new HashMap<>();
        Matcher m = PARAMETER.matcher(text);
        while (m.find()) {
            out.put(Integer.parseInt(m.group(1)), m.group(2));
        }
        return out;
    }

    /**
     * The statement with each {@code $n} outside literals, quoted names and comments replaced by its
     * value; a {@code $n} without a value is left, so the statement is dropped.
     */
    static String bind(String sql, Map<Integer, String> values) {
        StringBuilder out = new StringBuilder();
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            int end = i + 1;
            if (c == '\'' || c == '"') {
                end = sql.indexOf(c, i + 1);
                while (end >= 0 && end + 1 < n && sql.charAt(end + 1) == c) {
                    end = sql.indexOf(c, end + 2);
                }
                end = end < 0 ? n : end + 1;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                end = sql.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
            } else if (c == '$'
                    && i + 1 < n
                    && Character.isDigit(sql.charAt(i + 1))
                    && (i == 0 || !Character.isLetterOrDigit(sql.charAt(i - 1)) && sql.charAt(i - 1) != '_')) {
                end = i + 1;
                while (end < n && Character.isDigit(sql.charAt(end))) {
                    end++;
                }
                String value = values.get(Integer.parseInt(sql.substring(i + 1, end)));
                out.append(value != null ? value : sql.substring(i, end));
                i = end;
                continue;
            }
            out.append(sql, i, end);
            i = end;
        }
        return out.toString();
    }

    /** A {@code $n} outside literals: a statement the log did not give values for. */
    static boolean hasParameter(String sql) {
        return CandidateTokens.of(sql).stream().anyMatch(t -> t.kind() == CandidateTokens.Kind.PARAM);
    }
}
