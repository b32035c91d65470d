package dev.classbase.seed;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * The seeded accounts' shared password: demo data only, printed by {@code serve} on purpose.
 * Emails follow {@code admin@<tenant-slug>.demo}, {@code teacher1@...}, {@code student1@...}; the
 * demo operator (platform staff, the database console) is {@value #OPERATOR}.
 */
public final class DemoAccounts {
    public static final String PASSWORD = "classbase-demo";
    public static final String OPERATOR = "operator@classbase.demo";

    private DemoAccounts() {}

    /** A fresh bcrypt hash of the demo password (cost 10, random salt). */
    public static String passwordHash() {
        return passwordHash(PASSWORD);
    }

    /**
     * A bcrypt hash of {@code password} (cost 10, random salt), computed once and given to every
     * generated account; bcrypt reads at most 72 bytes, so a longer password is refused rather than
     * silently cut.
     */
    public static String passwordHash(String password) {
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("the password is empty");
        }
        if (password.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 72) {
            throw new IllegalArgumentException("the password is longer than bcrypt's 72 bytes");
        }
        return new BCryptPasswordEncoder().encode(password);
    }
}
