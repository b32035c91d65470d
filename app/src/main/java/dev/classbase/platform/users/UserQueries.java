package dev.classbase.platform.users;

/** The users table as the signed-in caller sees it (row-level security adds the tenant). */
final class UserQueries {
    private UserQueries() {}

    /** Deliberately without {@code tenant_id = ...}: the tenant_isolation policy supplies it. */
    static String byId() {
        return """
            select id, tenant_id, email, full_name, role, is_active, last_sign_in_at
            from users
            where id = :id
            """;
    }
}
