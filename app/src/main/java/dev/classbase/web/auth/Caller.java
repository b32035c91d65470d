package dev.classbase.web.auth;

import io.swagger.v3.oas.annotations.Hidden;

/**
 * The signed-in caller of a request, from the bearer token. Controllers take it as a method
 * parameter; the tenant is already bound to the data tier for row-level security. An operator
 * belongs to no tenant: {@code tenantId} is {@link #NO_TENANT}, nothing is bound, and {@code
 * userId} is the operator's id (table {@code operators}), not a user's. Hidden from the
 * OpenAPI document: it comes from the bearer token, not from a query parameter.
 */
@Hidden
public record Caller(long tenantId, long userId, Role role, String email) {
    /** The tenant id of an operator: no tenant has it (tenant ids start at 1). */
    public static final long NO_TENANT = 0;

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    public boolean isTeacher() {
        return role == Role.TEACHER;
    }

    public boolean isOperator() {
        return role == Role.OPERATOR;
    }
}
