package dev.classbase.platform.auth;

import io.swagger.v3.oas.annotations.Hidden;

/**
 * The signed-in user of a request, from the bearer token. Controllers take it as a method
 * parameter; the tenant is already bound to the data tier for row-level security. Hidden from the
 * OpenAPI document: it comes from the bearer token, not from a query parameter.
 */
@Hidden
public record Caller(long tenantId, long userId, Role role, String email) {
    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    public boolean isTeacher() {
        return role == Role.TEACHER;
    }
}
