package dev.classbase.ops.explain;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether a text is one SELECT, before it reaches the server: comments, literals and quoted
 * names are blanked out first, so a {@code ;} or {@code DELETE} inside a string does not count. The
 * read-only transaction it then runs in is the second line: whatever slips past cannot write.
 */
final class ExplainGuard {
    /** What the guard found: the refusal, or the statement and whether it has $n placeholders. */
    record Verdict(String refusal, String sql, boolean placeholders) {
        boolean refused() {
            return refusal != null;
        }
    }

    static final int MAX_LENGTH = 100_000;
    private static final Pattern WORD = Pattern.compile("[a-z_][a-z0-9_$]*");
    private static final Pattern WRITE = Pattern.compile("\\b(insert|delete|merge)\\b");
    // FOR UPDATE / FOR NO KEY UPDATE lock rows (refused by the read-only transaction); other UPDATEs write
    private static final Pattern UPDATE = Pattern.compile("(?<!\\bfor\\s)(?<!\\bkey\\s)\\bupdate\\b");
    private static final Pattern INTO = Pattern.compile("\\binto\\b");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\d+");

    private ExplainGuard() {}

    static Verdict check(String sql) {
        if (sql == null || sql.isBlank()) {
            return refuse("sql is empty: send one SELECT statement");
        }
        if (sql.length() > MAX_LENGTH) {
            return refuse("sql is longer than " + MAX_LENGTH + " characters");
        }
        String skeleton;
        try {
            skeleton = skeleton(sql)
                    .toLowerCase(Locale.ROOT)
                    .replaceAll("\\s+", " ")
                    .strip();
        } catch (IllegalArgumentException e) {
            return refuse(e.getMessage());
        }
        String statement = sql.strip();
        // one trailing semicolon is harmless: drop it from both
        if (skeleton.endsWith(";")) {
            skeleton = skeleton.substring(0, skeleton.length() - 1).strip();
            statement = statement.substring(0, statement.lastIndexOf(';')).strip();
        }
        if (skeleton.contains(";")) {
            return refuse("only one statement can be explained: the text has ';'-joined statements");
        }
        Matcher first = WORD.matcher(skeleton.replaceFirst("^[(\\s]+", ""));
        String keyword = first.lookingAt() ? first.group() : "";
        if (!keyword.equals("select") && !keyword.equals("with")) {
            return refuse(
                    switch (keyword) {
                        case "insert", "update", "delete", "merge" ->
                            keyword.toUpperCase(Locale.ROOT) + " changes data: only a SELECT can be explained";
                        case "copy" -> "COPY is refused: only a SELECT can be explained";
                        case "explain" -> "send the statement without EXPLAIN: the console adds it";
                        case "" -> "only a SELECT can be explained";
                        default ->
                            keyword.toUpperCase(Locale.ROOT)
                                    + " is not a SELECT (DDL and utility statements are refused): only a SELECT can be explained";
                    });
        }
        Matcher write = WRITE.matcher(skeleton);
        if (write.find() || (write = UPDATE.matcher(skeleton)).find()) {
            return refuse("the statement contains " + write.group().toUpperCase(Locale.ROOT)
                    + " (a writable CTE or data-modifying statement): only a read-only SELECT can be explained");
        }
        if (INTO.matcher(skeleton).find()) {
            return refuse("SELECT ... INTO creates a table: only a read-only SELECT can be explained");
        }
        return new Verdict(null, statement, PLACEHOLDER.matcher(skeleton).find());
    }

    private static Verdict refuse(String why) {
        return new Verdict(why, null, false);
    }

    /** The text with comments, string literals and quoted identifiers replaced by a space. */
    static String skeleton(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char ch = sql.charAt(i);
            if (ch == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
                out.append(' ');
            } else if (ch == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int depth = 1; // PostgreSQL's block comments nest
                i += 2;
                while (i < n && depth > 0) {
                    if (sql.startsWith("/*", i)) {
                        depth++;
                        i += 2;
                    } else if (sql.startsWith("*/", i)) {
                        depth--;
                        i += 2;
                    } else {
                        i++;
                    }
                }
                if (depth > 0) {
                    throw new IllegalArgumentException("unterminated /* comment");
                }
                out.append(' ');
            } else if (ch == '\'' || ch == '"') {
                // E'...' only when the E stands alone: in note'...' the e ends a name, and the string is standard
                boolean backslashes = ch == '\''
                        && i > 0
                        && (sql.charAt(i - 1) == 'e' || sql.charAt(i - 1) == 'E')
                        && (i == 1 || !isIdentifierPart(sql.charAt(i - 2)));
                i = endOfQuoted(sql, i, ch, backslashes);
                out.append(' ');
            } else if (ch == '$' && i + 1 < n && !Character.isDigit(sql.charAt(i + 1))) {
                Matcher tag = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)?\\$").matcher(sql);
                if (tag.find(i) && tag.start() == i) {
                    int end = sql.indexOf(tag.group(), tag.end());
                    if (end < 0) {
                        throw new IllegalArgumentException("unterminated dollar-quoted string");
                    }
                    i = end + tag.group().length();
                    out.append(' ');
                } else {
                    out.append(ch);
                    i++;
                }
            } else {
                out.append(ch);
                i++;
            }
        }
        return out.toString();
    }

    private static int endOfQuoted(String sql, int start, char quote, boolean backslashes) {
        int i = start + 1;
        while (i < sql.length()) {
            char ch = sql.charAt(i);
            if (backslashes && ch == '\\') {
                i += 2;
            } else if (ch == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2; // doubled quote
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        throw new IllegalArgumentException("unterminated " + (quote == '"' ? "quoted identifier" : "string literal"));
    }

    private static boolean isIdentifierPart(char ch) {
        return Character.isLetterOrDigit(ch) || ch == '_' || ch == '$';
    }
}
