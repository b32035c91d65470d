package dev.classbase.platform.errors;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Checks the query string before anything reads a parameter: every name and value must be
 * percent-encoded UTF-8 (RFC 3986 section 2.5; HTML's application/x-www-form-urlencoded) and hold no
 * NUL, which PostgreSQL's text types cannot store. A bad one answers 400 naming the parameter;
 * without this check Tomcat's parser throws on the first parameter a controller asks for (a 500).
 */
final class QueryStringFilter extends OncePerRequestFilter {
    private final ProblemResponses problems;

    QueryStringFilter(ProblemResponses problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String query = request.getQueryString();
        ApiException bad = query == null ? null : check(query);
        if (bad != null) {
            problems.write(request, response, bad, new HttpHeaders());
            return;
        }
        chain.doFilter(request, response);
    }

    /** The first bad parameter of a raw query string, or null when every one decodes. */
    static ApiException check(String query) {
        for (String pair : query.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            String name = decode(rawName);
            if (name == null) {
                return ApiException.badRequest(
                        printable(rawName), "the parameter name is not percent-encoded UTF-8 (RFC 3986 section 2.5)");
            }
            if (name.indexOf('\0') >= 0) {
                return ApiException.badRequest(printable(rawName), "the parameter name contains NUL (U+0000)");
            }
            if (eq >= 0) {
                String value = decode(pair.substring(eq + 1));
                if (value == null) {
                    return ApiException.badRequest(name, "is not percent-encoded UTF-8 (RFC 3986 section 2.5)");
                }
                if (value.indexOf('\0') >= 0) {
                    return ApiException.badRequest(name, "must not contain NUL (U+0000)");
                }
            }
        }
        return null;
    }

    /** application/x-www-form-urlencoded decoding, strict: null for a broken escape or bytes that are not UTF-8. */
    static String decode(String raw) {
        if (raw.indexOf('%') < 0 && raw.indexOf('+') < 0) {
            return raw; // Tomcat hands the query string over as ISO-8859-1 of its bytes; plain ASCII here
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char ch = raw.charAt(i);
            if (ch == '+') {
                bytes.write(' ');
            } else if (ch == '%') {
                if (i + 2 >= raw.length()) {
                    return null;
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (ch > 0x7f) {
                return null; // a raw byte outside ASCII: not percent-encoded
            } else {
                bytes.write(ch);
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** A raw name as the client sent it, cut short and reduced to printable ASCII for the answer. */
    private static String printable(String raw) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < raw.length() && out.length() < 64; i++) {
            char ch = raw.charAt(i);
            out.append(ch >= 0x20 && ch < 0x7f ? ch : '?');
        }
        return out.toString();
    }
}
