package dev.classbase.platform.sessions;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Bearer tokens: 32 random bytes, base64url without padding (43 characters). Only the SHA-256 of
 * the raw bytes is stored, so a leaked user_sessions table signs nobody in; a slow hash is not
 * needed for 256 random bits.
 *
 * <p>An operator's token carries the prefix {@value #OPERATOR_PREFIX} ('.' is not in the base64url
 * alphabet): its session lives in operator_sessions, and the prefix sends the lookup there without
 * a second statement for every user's request (GitHub's token prefixes do the same: the kind of a
 * token is readable without a lookup).
 */
final class Tokens {
    static final int BYTES = 32;
    static final String OPERATOR_PREFIX = "op.";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {}

    static String newToken() {
        byte[] bytes = new byte[BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String newOperatorToken() {
        return OPERATOR_PREFIX + newToken();
    }

    static boolean isOperator(String token) {
        return token != null && token.startsWith(OPERATOR_PREFIX);
    }

    /** The stored hash of a token, or empty if the text cannot be one of ours. */
    static Optional<byte[]> hash(String token) {
        if (isOperator(token)) {
            token = token.substring(OPERATOR_PREFIX.length());
        }
        if (token == null || token.length() != 43) {
            return Optional.empty();
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (raw.length != BYTES) {
            return Optional.empty();
        }
        try {
            return Optional.of(MessageDigest.getInstance("SHA-256").digest(raw));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
