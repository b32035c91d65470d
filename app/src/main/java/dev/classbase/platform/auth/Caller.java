package dev.classbase.platform.auth;

/**
 * The signed-in user of a request, from the bearer token. Controllers take it as a method
 * parameter; the tenant is already bound to the data tier for row-level security.
 */
public record Caller(long tenantId, long userId, Role role, String email) {
    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    public boolean isTeacher() {
        return role == Role.TEACHER;
    }
}
