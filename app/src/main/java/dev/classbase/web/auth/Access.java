package dev.classbase.web.auth;

import dev.classbase.web.ApiException;
import java.util.Arrays;

/**
 * Role checks for controllers and services. A wrong role is 403; a row of another tenant, or one
 * the caller may not know exists, is 404 instead (see docs/SECURITY.md).
 */
public final class Access {
    private Access() {}

    /** Throws 403 unless the caller has one of {@code roles}. */
    public static void require(Caller caller, Role... roles) {
        if (!has(caller, roles)) {
            throw ApiException.forbidden("this needs the role " + describe(roles));
        }
    }

    /** Whether the caller has one of {@code roles}. */
    public static boolean has(Caller caller, Role... roles) {
        for (Role role : roles) {
            if (caller.role() == role) {
                return true;
            }
        }
        return false;
    }

    /**
     * Throws 404 ("{@code what} was not found") unless the caller is {@code userId} or has one of
     * {@code roles}: for a student asking for someone else's data, whose existence we do not confirm.
     */
    public static void requireSelfOr(Caller caller, long userId, String what, Role... roles) {
        if (caller.userId() != userId && !has(caller, roles)) {
            throw ApiException.notFound(what);
        }
    }

    private static String describe(Role[] roles) {
        return String.join(" or ", Arrays.stream(roles).map(Role::dbValue).toList());
    }
}
