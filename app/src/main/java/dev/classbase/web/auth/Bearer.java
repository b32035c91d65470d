package dev.classbase.web.auth;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/** The bearer token of a request ({@code Authorization: Bearer <token>}, RFC 6750). */
public final class Bearer {
    private Bearer() {}

    public static Optional<String> token(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || header.length() <= 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = header.substring(7).trim();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }
}
