package dev.classbase.platform.sessions;

/** The SQL of sign-in, token lookup, sign-out and expiry cleanup (functions in V5__sessions.sql). */
final class SessionQueries {
    private SessionQueries() {}

    /** Before the tenant is known: through the owner's SECURITY DEFINER function. */
    static String findLogin() {
        return """
            select tenant_id, user_id, role, email, full_name, password_hash, is_active
            from classbase_find_login(:email)
            """;
    }

    /** An operator's account, after no user had the email (V74). */
    static String findOperatorLogin() {
        return """
            select operator_id, email, password_hash, is_active
            from classbase_find_operator_login(:email)
            """;
    }

    /** Null when the operator was disabled or removed since the password check. */
    static String createOperatorSession() {
        return "select classbase_create_operator_session(:tokenHash, :operatorId, :ttlSeconds)";
    }

    static String findOperatorSession() {
        return """
            select operator_id, email, expires_at
            from classbase_find_operator_session(:tokenHash)
            """;
    }

    static String deleteOperatorSession() {
        return "select classbase_delete_operator_session(:tokenHash)";
    }

    static String deleteExpiredOperatorSessions() {
        return "select classbase_delete_expired_operator_sessions(:batch)";
    }

    static String findSession() {
        return """
            select tenant_id, user_id, role, email, expires_at
            from classbase_find_session(:tokenHash)
            """;
    }

    /** With the tenant bound: row-level security checks the row belongs to it. */
    static String createSession() {
        return """
            insert into user_sessions (token_hash, tenant_id, user_id, expires_at, created_at, last_seen_at)
            values (:tokenHash, :tenantId, :userId, now() + make_interval(secs => :ttlSeconds), now(), now())
            returning expires_at
            """;
    }

    static String recordSignIn() {
        return """
            update users set last_sign_in_at = now()
            where tenant_id = :tenantId and id = :userId
            """;
    }

    static String deleteSession() {
        return """
            delete from user_sessions
            where token_hash = :tokenHash
            """;
    }

    /** Only one instance of a cluster runs the cleanup: a transaction-scoped lock, safe under PgBouncer. */
    static String tryJobLock() {
        return "select pg_try_advisory_xact_lock(:key)";
    }

    static String deleteExpired() {
        return "select classbase_delete_expired_sessions(:batch)";
    }
}
