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
        return new BCryptPasswordEncoder().encode(PASSWORD);
    }
}
