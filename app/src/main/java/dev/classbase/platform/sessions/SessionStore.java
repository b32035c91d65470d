package dev.classbase.platform.sessions;

import dev.classbase.data.retry.RetryableTransaction;
import java.time.OffsetDateTime;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The writes of sign-in and sign-out, each one transaction with the user's tenant bound. */
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

    @Transactional
    @RetryableTransaction
    public boolean delete(byte[] tokenHash) {
        return jdbc.sql(SessionQueries.deleteSession())
                        .param("tokenHash", tokenHash)
                        .update()
                > 0;
    }
}
