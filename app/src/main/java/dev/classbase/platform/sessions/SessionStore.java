package dev.classbase.platform.sessions;

import dev.classbase.data.retry.RetryableTransaction;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The writes of sign-in and sign-out, each one transaction: a user's with its tenant bound, an
 * operator's through the functions of V74, with no tenant.
 */
@Repository
class SessionStore {
    private final JdbcClient jdbc;

    SessionStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores the session and records the sign-in; returns when the session expires. */
    @Transactional
    @RetryableTransaction
    public OffsetDateTime create(byte[] tokenHash, long tenantId, long userId, long ttlSeconds) {
        OffsetDateTime expiresAt = jdbc.sql(SessionQueries.createSession())
                .param("tokenHash", tokenHash)
                .param("tenantId", tenantId)
                .param("userId", userId)
                .param("ttlSeconds", ttlSeconds)
                .query(OffsetDateTime.class)
                .single();
        jdbc.sql(SessionQueries.recordSignIn())
                .param("tenantId", tenantId)
                .param("userId", userId)
                .update();
        return expiresAt;
    }

    /** An operator's session; empty when the operator was disabled or removed meanwhile. */
    @Transactional
    @RetryableTransaction
    public Optional<OffsetDateTime> createOperator(byte[] tokenHash, long operatorId, long ttlSeconds) {
        return jdbc
                .sql(SessionQueries.createOperatorSession())
                .param("tokenHash", tokenHash)
                .param("operatorId", operatorId)
                .param("ttlSeconds", ttlSeconds)
                .query(OffsetDateTime.class)
                .list()
                .stream()
                .filter(Objects::nonNull)
                .findFirst();
    }

    @Transactional
    @RetryableTransaction
    public boolean deleteOperator(byte[] tokenHash) {
        return Boolean.TRUE.equals(jdbc.sql(SessionQueries.deleteOperatorSession())
                .param("tokenHash", tokenHash)
                .query(Boolean.class)
                .single());
    }

    @Transactional
    @RetryableTransaction
    public boolean delete(byte[] tokenHash) {
        return jdbc.sql(SessionQueries.deleteSession())
                        .param("tokenHash", tokenHash)
                        .update()
                > 0;
    }
}
