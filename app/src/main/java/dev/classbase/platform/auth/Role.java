package dev.classbase.platform.auth;

import java.util.Locale;

/** What a signed-in user may see: their own data, their courses, or the whole tenant. */
public enum Role {
    STUDENT,
    TEACHER,
    ADMIN;

    /** The value stored in {@code users.role}. */
    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
