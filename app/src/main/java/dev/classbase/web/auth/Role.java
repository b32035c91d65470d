package dev.classbase.web.auth;

import java.util.Locale;

/**
 * What a signed-in caller may see: their own data, their courses, the whole tenant, or (an
 * operator, platform staff, not a user of any tenant) the server's console and no tenant's rows.
 */
public enum Role {
    STUDENT,
    TEACHER,
    ADMIN,
    OPERATOR;

    /** The value stored in {@code users.role} ({@code operator} is never stored: operators are not users). */
    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
