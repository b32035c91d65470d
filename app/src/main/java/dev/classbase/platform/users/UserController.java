package dev.classbase.platform.users;

import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Access;
import dev.classbase.web.auth.Caller;
import dev.classbase.web.auth.Role;
import java.time.OffsetDateTime;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Who the caller is, and one user of the tenant. The lookup by id carries no tenant filter of its
 * own: row-level security hides other tenants' users, so their ids answer 404 like unknown ids.
 */
@RestController
class UserController {
    private final JdbcClient jdbc;
    private final UserCache cache;

    UserController(JdbcClient jdbc, UserCache cache) {
        this.jdbc = jdbc;
        this.cache = cache;
    }

    record User(
            long id,
            long tenantId,
            String email,
            String fullName,
            String role,
            boolean isActive,
            OffsetDateTime lastSignInAt) {}

    /** An operator has no tenant: {@code tenantId} is null. */
    record WhoAmI(Long tenantId, long userId, String role, String email) {}

    @GetMapping("/api/v1/users/me")
    @Transactional(readOnly = true)
    public User me(Caller caller) {
        return cache.profile(caller, caller.userId(), () -> find(caller.userId()));
    }

    /** Students see only themselves; anyone else's id is 404 to them, as if it did not exist. */
    @GetMapping("/api/v1/users/{id}")
    @Transactional(readOnly = true)
    public User user(Caller caller, @PathVariable long id) {
        Access.requireSelfOr(caller, id, "user " + id, Role.TEACHER, Role.ADMIN);
        return cache.profile(caller, id, () -> find(id));
    }

    /** A minimal operator-only route: the filter keeps {@code /api/v1/admin/**} for operators. */
    @GetMapping("/api/v1/admin/whoami")
    public WhoAmI whoami(Caller caller) {
        return new WhoAmI(
                caller.isOperator() ? null : caller.tenantId(),
                caller.userId(),
                caller.role().dbValue(),
                caller.email());
    }

    private User find(long id) {
        return jdbc.sql(UserQueries.byId())
                .param("id", id)
                .query(User.class)
                .optional()
                .orElseThrow(() -> ApiException.notFound("user " + id));
    }
}
