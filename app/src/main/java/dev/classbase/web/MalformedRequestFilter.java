package dev.classbase.web;

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
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Checks what Tomcat hands over unparsed, before anything reads it. The query string: every name and
 * value must be percent-encoded UTF-8 (RFC 3986 section 2.5; HTML's
 * application/x-www-form-urlencoded) and hold no NUL, which PostgreSQL's text types cannot store; a
 * bad one answers 400 naming the parameter (without this check Tomcat's parser throws on the first
 * parameter a controller asks for: a 500). The Content-Type: a media type with no wildcard (RFC 9110
 * section 8.3), else 415; Spring's parser throws a plain IllegalArgumentException for {@code *}/{@code *}.
 */
final class MalformedRequestFilter extends OncePerRequestFilter {
    private static final String ALREADY_FILTERED = MalformedRequestFilter.class.getName() + ALREADY_FILTERED_SUFFIX;

    private final ProblemResponses problems;

    MalformedRequestFilter(ProblemResponses problems) {
        this.problems = problems;
    }

    /** A constant: OncePerRequestFilter would build this name from the filter's name on every request. */
    @Override
    protected String getAlreadyFilteredAttributeName() {
        return ALREADY_FILTERED;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String query = request.getQueryString();
        ApiException bad = query == null ? null : check(query);
        if (bad == null && (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null)) {
            bad = contentType(request.getContentType()); // only a body's type matters
        }
        if (bad != null) {
            problems.write(request, response, bad, new HttpHeaders());
            return;
        }
        chain.doFilter(request, response);
    }

    /** Null when the Content-Type is absent or a concrete media type. */
    static ApiException contentType(String header) {
        if (header == null) {
            return null;
        }
        try {
            MediaType type = MediaType.parseMediaType(header);
            if (!type.isWildcardType() && !type.isWildcardSubtype()) {
                return null;
            }
        } catch (IllegalArgumentException e) {
            // InvalidMediaTypeException or the wildcard check: either way no media type
        }
        return new ApiException(
                HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                "Unsupported media type",
                "Content-Type is not a media type; send application/json.",
                Map.of("accepted", List.of(MediaType.APPLICATION_JSON_VALUE)));
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
