package dev.classbase.data.watch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The shape of a statement: its SQL without comments, with every literal, number and parameter as
 * {@code ?}, IN lists and multi-row VALUES folded to one element, whitespace collapsed. The same
 * query with other values has one shape, close to what pg_stat_statements groups by. A text of
 * several statements (top-level semicolons) has one shape per statement, as PostgreSQL runs them.
 */
final class StatementShapes {
    private static final Pattern IN_LIST = Pattern.compile("(?i)\\bIN \\(\\?(?:, \\?)+\\)");
    private static final Pattern ARRAY_LIST = Pattern.compile("(?i)\\bARRAY\\[\\?(?:, \\?)+]");
    // one row is a parenthesised list that may hold one level of nested parentheses (casts, now())
    private static final String ROW = "\\((?:[^()]|\\([^()]*\\))*\\)";
    private static final Pattern VALUES_ROWS = Pattern.compile("(?i)(\\bVALUES )(" + ROW + ")(?:, " + ROW + ")+");
    // statements repeat: a bounded cache keeps shaping off the hot path without growing forever
    private static final int CACHE_LIMIT = 4096;
    private static final Map<String, List<String>> CACHE = new ConcurrentHashMap<>();

    private StatementShapes() {}

    /** The text's shape; the shapes of its statements joined with "; " when it holds several. */
    static String of(String sql) {
        List<String> shapes = statements(sql);
        return shapes.size() == 1 ? shapes.getFirst() : String.join("; ", shapes);
    }

    /** One shape per statement of the text, in order; one (possibly empty) for a text of one statement. */
    static List<String> statements(String sql) {
        if (sql == null) {
            return List.of("");
        }
        List<String> cached = CACHE.get(sql);
        if (cached != null) {
            return cached;
        }
        List<String> shapes = new ArrayList<>(1);
        for (String statement : new Scanner(sql).scan()) {
            shapes.add(fold(statement));
        }
        shapes = shapes.isEmpty() ? List.of("") : List.copyOf(shapes);
        if (CACHE.size() < CACHE_LIMIT) {
            CACHE.put(sql, shapes);
        }
        return shapes;
    }

    private static String fold(String tokens) {
        String s = IN_LIST.matcher(tokens).replaceAll("IN (?)");
        s = ARRAY_LIST.matcher(s).replaceAll("ARRAY[?]");
        return VALUES_ROWS.matcher(s).replaceAll("$1$2");
    }

    /** One pass over the text: comments out, literals to ?, spacing made uniform. */
    private static final class Scanner {
        private final String sql;
        private final StringBuilder out;
        private final List<String> statements = new ArrayList<>(1);
        private int i;

        Scanner(String sql) {
            this.sql = sql;
            this.out = new StringBuilder(sql.length());
        }

        /** The statements of the text, each scanned; empty ones (a trailing semicolon) are dropped. */
        List<String> scan() {
            int n = sql.length();
            while (i < n) {
                char c = sql.charAt(i);
                if (c == '-' && peek(1) == '-') {
                    skipLineComment();
                } else if (c == '/' && peek(1) == '*') {
                    skipBlockComment();
                } else if (Character.isWhitespace(c)) {
                    space();
                    i++;
                } else if (c == '\'') {
                    boolean escapes = dropStringPrefix();
                    skipString(escapes);
                    placeholder();
                } else if (c == '"') {
                    copyQuotedIdentifier();
                } else if (c == '$' && !identifierBefore()) {
                    dollar();
                } else if ((Character.isDigit(c) || (c == '.' && Character.isDigit(peek(1)))) && !identifierBefore()) {
                    skipNumber();
                    foldUnaryMinus();
                    placeholder();
                } else if (c == ',') {
                    trimSpace();
                    out.append(", ");
                    i++;
                } else if (c == '(' || c == '[') {
                    out.append(c);
                    i++;
                    skipSpaces();
                } else if (c == ')' || c == ']') {
                    trimSpace();
                    out.append(c);
                    i++;
                } else if (c == ';') {
                    i++;
                    endStatement(); // a trailing semicolon does not change the statement
                } else {
                    out.append(c);
                    i++;
                }
            }
            endStatement();
            if (statements.isEmpty()) {
                statements.add("");
            }
            return statements;
        }

        private void endStatement() {
            String statement = out.toString().strip();
            if (!statement.isEmpty()) {
                statements.add(statement);
            }
            out.setLength(0);
        }

        private char peek(int ahead) {
            return i + ahead < sql.length() ? sql.charAt(i + ahead) : '\0';
        }

        private boolean identifierBefore() {
            if (out.isEmpty()) {
                return false;
            }
            char p = out.charAt(out.length() - 1);
            return Character.isLetterOrDigit(p) || p == '_' || p == '$';
        }

        private void skipLineComment() {
            while (i < sql.length() && sql.charAt(i) != '\n') {
                i++;
            }
            space();
        }

        // PostgreSQL block comments nest (unlike the SQL standard's)
        private void skipBlockComment() {
            int depth = 0;
            while (i < sql.length()) {
                if (sql.charAt(i) == '/' && peek(1) == '*') {
                    depth++;
                    i += 2;
                } else if (sql.charAt(i) == '*' && peek(1) == '/') {
                    depth--;
                    i += 2;
                    if (depth == 0) {
                        break;
                    }
                } else {
                    i++;
                }
            }
            space();
        }

        /** E'..' allows backslash escapes; the E (and U&, B, X prefixes) belongs to the literal. */
        private boolean dropStringPrefix() {
            int len = out.length();
            if (len == 0) {
                return false;
            }
            char p = Character.toUpperCase(out.charAt(len - 1));
            boolean alone = len == 1 || !isIdentifierChar(out.charAt(len - 2));
            if (p == 'E' && alone) {
                out.setLength(len - 1);
                return true;
            }
            if ((p == 'B' || p == 'X') && alone) {
                out.setLength(len - 1);
            } else if (p == '&' && len >= 2 && Character.toUpperCase(out.charAt(len - 2)) == 'U') {
                out.setLength(len - 2);
            }
            return false;
        }

        private void skipString(boolean backslashEscapes) {
            i++; // opening quote
            while (i < sql.length()) {
                char c = sql.charAt(i);
                if (backslashEscapes && c == '\\') {
                    i += 2;
                } else if (c == '\'') {
                    if (peek(1) == '\'') {
                        i += 2;
                    } else {
                        i++;
                        return;
                    }
                } else {
                    i++;
                }
            }
        }

        private void copyQuotedIdentifier() {
            int start = i++;
            while (i < sql.length()) {
                if (sql.charAt(i) == '"') {
                    if (peek(1) == '"') {
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                i++;
            }
            out.append(sql, start, i);
        }

        /** $1 parameters and $tag$...$tag$ literals both become ?. */
        private void dollar() {
            if (Character.isDigit(peek(1))) {
                i++;
                while (i < sql.length() && Character.isDigit(sql.charAt(i))) {
                    i++;
                }
                placeholder();
                return;
            }
            int end = i + 1;
            while (end < sql.length() && isIdentifierChar(sql.charAt(end)) && sql.charAt(end) != '$') {
                end++;
            }
            if (end < sql.length() && sql.charAt(end) == '$') {
                String tag = sql.substring(i, end + 1);
                int close = sql.indexOf(tag, end + 1);
                i = close < 0 ? sql.length() : close + tag.length();
                placeholder();
            } else {
                out.append('$');
                i++;
            }
        }

        private void skipNumber() {
            while (i < sql.length()) {
                char c = sql.charAt(i);
                if (Character.isDigit(c) || c == '.' || c == '_') {
                    i++;
                } else if ((c == 'e' || c == 'E') && (Character.isDigit(peek(1)) || isSignedDigit())) {
                    i += 2;
                } else {
                    return;
                }
            }
        }

        private boolean isSignedDigit() {
            return (peek(1) == '+' || peek(1) == '-') && Character.isDigit(peek(2));
        }

        /** {@code = -5} and {@code = 5} are the same statement: a sign after an operator goes. */
        private void foldUnaryMinus() {
            int len = out.length();
            if (len == 0 || out.charAt(len - 1) != '-') {
                return;
            }
            int k = len - 2;
            while (k >= 0 && out.charAt(k) == ' ') {
                k--;
            }
            if (k < 0 || "(,=<>+-*/[".indexOf(out.charAt(k)) >= 0) {
                out.setLength(len - 1);
            }
        }

        private void placeholder() {
            out.append('?');
        }

        private void space() {
            if (!out.isEmpty() && out.charAt(out.length() - 1) != ' ' && !opensGroup()) {
                out.append(' ');
            }
        }

        private boolean opensGroup() {
            char p = out.charAt(out.length() - 1);
            return p == '(' || p == '[';
        }

        private void skipSpaces() {
            while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
                i++;
            }
        }

        private void trimSpace() {
            while (!out.isEmpty() && out.charAt(out.length() - 1) == ' ') {
                out.setLength(out.length() - 1);
            }
        }

        private static boolean isIdentifierChar(char c) {
            return Character.isLetterOrDigit(c) || c == '_' || c == '$';
        }
    }
}
