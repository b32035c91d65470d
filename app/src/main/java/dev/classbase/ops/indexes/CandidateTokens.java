package dev.classbase.ops.indexes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a statement's text (as pg_stat_statements keeps it: constants replaced by {@code $n}) into
 * tokens for {@link CandidateParser}. Not a SQL grammar: enough to tell names, quoted names,
 * literals, parameters, operators and punctuation apart, and to skip comments.
 */
final class CandidateTokens {
    private CandidateTokens() {}

    enum Kind {
        WORD,
        QUOTED,
        STRING,
        NUMBER,
        PARAM,
        OPERATOR,
        PUNCT
    }

    /** {@code text} is lower-cased for words, unquoted for quoted names, verbatim otherwise. */
    record Token(Kind kind, String text) {
        boolean is(String word) {
            return kind == Kind.WORD && text.equals(word);
        }

        boolean punct(String p) {
            return kind == Kind.PUNCT && text.equals(p);
        }

        /** A name: a word or a quoted identifier. */
        boolean name() {
            return kind == Kind.WORD || kind == Kind.QUOTED;
        }

        /** A value a predicate compares with: a parameter or a literal. */
        boolean value() {
            return kind == Kind.PARAM || kind == Kind.STRING || kind == Kind.NUMBER;
        }
    }

    private static final String OPERATOR_CHARS = "+-*/<>=~!@#%^&|`?";

    static List<Token> of(String sql) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (c == '\'') {
                int j = i + 1;
                StringBuilder s = new StringBuilder();
                while (j < n) {
                    char d = sql.charAt(j);
                    if (d == '\'' && j + 1 < n && sql.charAt(j + 1) == '\'') {
                        s.append('\'');
                        j += 2;
                    } else if (d == '\'') {
                        break;
                    } else {
                        s.append(d);
                        j++;
                    }
                }
                out.add(new Token(Kind.STRING, s.toString()));
                i = j + 1;
            } else if (c == '"') {
                int end = sql.indexOf('"', i + 1);
                end = end < 0 ? n : end;
                out.add(new Token(Kind.QUOTED, sql.substring(i + 1, end)));
                i = end + 1;
            } else if (c == '$' && i + 1 < n && Character.isDigit(sql.charAt(i + 1))) {
                int j = i + 1;
                while (j < n && Character.isDigit(sql.charAt(j))) {
                    j++;
                }
                out.add(new Token(Kind.PARAM, sql.substring(i, j)));
                i = j;
            } else if (Character.isDigit(c)) {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '.')) {
                    j++;
                }
                out.add(new Token(Kind.NUMBER, sql.substring(i, j)));
                i = j;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i;
                while (j < n
                        && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_' || sql.charAt(j) == '$')) {
                    j++;
                }
                out.add(new Token(Kind.WORD, sql.substring(i, j).toLowerCase(Locale.ROOT)));
                i = j;
            } else if (c == ':' && i + 1 < n && sql.charAt(i + 1) == ':') {
                out.add(new Token(Kind.PUNCT, "::"));
                i += 2;
            } else if (OPERATOR_CHARS.indexOf(c) >= 0) {
                int j = i;
                while (j < n && OPERATOR_CHARS.indexOf(sql.charAt(j)) >= 0) {
                    j++;
                }
                out.add(new Token(Kind.OPERATOR, sql.substring(i, j)));
                i = j;
            } else {
                out.add(new Token(Kind.PUNCT, String.valueOf(c)));
                i++;
            }
        }
        return out;
    }
}
