package dev.classbase.platform.sessions;

import dev.classbase.data.DataTier;
import dev.classbase.data.cache.Caches;
import dev.classbase.data.cache.TieredCache;
import dev.classbase.data.tenancy.TenantScope;
import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Authenticator;
import dev.classbase.web.auth.Caller;
import dev.classbase.web.auth.Role;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Service;

/**
 * Sign-in, token lookup and sign-out. A wrong email and a wrong password get the same answer after
 * the same work: bcrypt runs against a dummy hash when there is no account, so timing does not tell
 * which emails exist.
 *
 * <p>Users and operators sign in alike. An email is looked up among users first (one statement, as
 * before operators existed), then among operators; an operator's session is stored in
 * operator_sessions (it has no tenant or user for user_sessions' keys), its token carries {@link
 * Tokens#OPERATOR_PREFIX}, and its caller has the role OPERATOR and {@link Caller#NO_TENANT}.
 *
 * <p>Valid tokens are cached (region {@code sessions} of the two-level cache, keyed by the token's
 * hash, never the token): a signed-in request then costs no statement for its token. An entry lives
 * at most {@code classbase.cache.session-ttl} and never past the session's expiry; sign-out removes
 * it here and, through the invalidation bus, on every instance. Unknown tokens are not cached.
 */
@Service
public class SessionService implements Authenticator {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SessionService.class);

    static final String INVALID = "The email or password is wrong, or the account is disabled.";

    private final JdbcClient jdbc;
    private final SessionStore store;
    private final SessionProperties properties;
    private final BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder();
    // same cost as the stored hashes (10, BCryptPasswordEncoder's default)
    private final String dummyHash = bcrypt.encode(UUID.randomUUID().toString());
    private final Optional<TieredCache<Session>> cache;

    private final SessionReplicaLookup onReplica;

    SessionService(
            JdbcClient jdbc,
            SessionStore store,
            SessionProperties properties,
            Caches caches,
            SessionReplicaLookup onReplica) {
        this.jdbc = jdbc;
        this.store = store;
        this.properties = properties;
        this.onReplica = onReplica;
        this.cache =
                caches.region("sessions", caches.properties().sessionTtl(), new SessionCodec(), Session::expiresAt);
    }

    /** A valid session as the cache keeps it. */
    record Session(Caller caller, Instant expiresAt) {}

    /** The user a sign-in answers with; an operator has no tenant (null) and no full name (null). */
    public record SignedInUser(long id, Long tenantId, String role, String email, String fullName) {}

    /** A new session: the token is shown once, here, and stored only as its hash. */
    public record SignedIn(String token, OffsetDateTime expiresAt, SignedInUser user) {}

    record Login(
            long tenantId,
            long userId,
            String role,
            String email,
            String fullName,
            String passwordHash,
            boolean isActive) {}

    record OperatorLogin(long operatorId, String email, String passwordHash, boolean isActive) {}

    /** Throws 401 for an unknown email, a wrong password or a disabled account, alike. */
    public SignedIn signIn(String email, String password) {
        Optional<Login> login = jdbc.sql(SessionQueries.findLogin())
                .param("email", email.trim())
                .query(Login.class)
                .optional();
        if (login.isEmpty()) {
            Optional<OperatorLogin> operator = jdbc.sql(SessionQueries.findOperatorLogin())
                    .param("email", email.trim())
                    .query(OperatorLogin.class)
                    .optional();
            if (operator.isPresent()) {
                return signInOperator(operator.get(), password);
            }
        }
        String hash = login.map(Login::passwordHash).orElse(null);
        boolean matches = matches(password, hash != null ? hash : dummyHash) && hash != null;
        if (!matches || !login.get().isActive()) {
            throw ApiException.unauthorized(INVALID);
        }
        Login user = login.get();
        String token = Tokens.newToken();
        byte[] tokenHash = Tokens.hash(token).orElseThrow();
        OffsetDateTime expiresAt;
        try (TenantScope ignored = DataTier.bindTenant(user.tenantId())) {
            expiresAt = store.create(
                    tokenHash, user.tenantId(), user.userId(), properties.ttl().toSeconds());
        }
        Caller caller = new Caller(user.tenantId(), user.userId(), Role.fromDb(user.role()), user.email());
        cache.ifPresent(c -> c.put(key(token, tokenHash), new Session(caller, expiresAt.toInstant())));
        return new SignedIn(
                token,
                expiresAt,
                new SignedInUser(user.userId(), user.tenantId(), user.role(), user.email(), user.fullName()));
    }

    private SignedIn signInOperator(OperatorLogin operator, String password) {
        if (!matches(password, operator.passwordHash()) || !operator.isActive()) {
            throw ApiException.unauthorized(INVALID);
        }
        String token = Tokens.newOperatorToken();
        byte[] tokenHash = Tokens.hash(token).orElseThrow();
        OffsetDateTime expiresAt = store.createOperator(
                        tokenHash, operator.operatorId(), properties.ttl().toSeconds())
                .orElseThrow(() -> ApiException.unauthorized(INVALID));
        Caller caller = new Caller(Caller.NO_TENANT, operator.operatorId(), Role.OPERATOR, operator.email());
        cache.ifPresent(c -> c.put(key(token, tokenHash), new Session(caller, expiresAt.toInstant())));
        return new SignedIn(
                token,
                expiresAt,
                new SignedInUser(operator.operatorId(), null, Role.OPERATOR.dbValue(), operator.email(), null));
    }

    /** From the cache, else one statement on the primary, which has every session the moment it is created. */
    @Override
    public Optional<Caller> authenticate(String token) {
        Optional<byte[]> hash = Tokens.hash(token);
        if (hash.isEmpty()) {
            return Optional.empty();
        }
        boolean operator = Tokens.isOperator(token);
        if (cache.isEmpty()) {
            return find(operator, hash.get()).map(Session::caller);
        }
        return cache.get()
                .get(key(token, hash.get()), k -> find(operator, hash.get()))
                .map(Session::caller);
    }

    /**
     * On the primary, which has every session the moment it is created. While the primary cannot be
     * reached (a failover, its PgBouncer restarting, its pool exhausted), a replica in rotation
     * answers instead: it has every session older than its replay lag. Only a session found there is
     * taken; one not found there may be newer than the replica, so the request gets the primary's
     * failure (503), never a 401. The price: a sign-out the replica has not replayed yet is not seen
     * by this lookup for as long as the primary stays away.
     */
    private Optional<Session> find(boolean operator, byte[] tokenHash) {
        boolean askedReplica = false;
        if (onReplica.primaryUnreachable()) {
            // the monitor found no primary a moment ago: ask a replica first rather than wait out the
            // primary pool's connection timeout; a token it does not have still goes to the primary
            askedReplica = true;
            try {
                Optional<Session> found = onReplica.find(this, operator, tokenHash);
                if (found.isPresent()) {
                    return found;
                }
            } catch (RuntimeException replicaFailed) {
                log.debug("session lookup on a replica failed", replicaFailed);
            }
        }
        try {
            return lookUp(operator, tokenHash);
        } catch (RuntimeException primaryFailed) {
            if (askedReplica || !DataTier.serverUnavailable(primaryFailed)) {
                throw primaryFailed;
            }
            Optional<Session> found;
            try {
                found = onReplica.find(this, operator, tokenHash);
            } catch (RuntimeException replicaFailed) {
                primaryFailed.addSuppressed(replicaFailed);
                throw primaryFailed;
            }
            if (found.isEmpty()) {
                throw primaryFailed;
            }
            return found;
        }
    }

    Optional<Session> lookUp(boolean operator, byte[] tokenHash) {
        if (operator) {
            return jdbc.sql(SessionQueries.findOperatorSession())
                    .param("tokenHash", tokenHash)
                    .query(SessionService::operatorSession)
                    .optional();
        }
        // a hand-written mapper: query(SomeRecord.class) introspects the record on every call,
        // and this runs on every signed-in request the cache does not answer
        return jdbc.sql(SessionQueries.findSession())
                .param("tokenHash", tokenHash)
                .query(SessionService::session)
                .optional();
    }

    private static Session session(ResultSet rs, int row) throws SQLException {
        return new Session(
                new Caller(
                        rs.getLong("tenant_id"),
                        rs.getLong("user_id"),
                        Role.fromDb(rs.getString("role")),
                        rs.getString("email")),
                rs.getObject("expires_at", OffsetDateTime.class).toInstant());
    }

    private static Session operatorSession(ResultSet rs, int row) throws SQLException {
        return new Session(
                new Caller(Caller.NO_TENANT, rs.getLong("operator_id"), Role.OPERATOR, rs.getString("email")),
                rs.getObject("expires_at", OffsetDateTime.class).toInstant());
    }

    /**
     * Ends the session of {@code token} (a user's tenant must be bound); false if it was gone.
     * The cache forgets it after the delete, so no instance can load it again.
     */
    public boolean signOut(String token) {
        Optional<byte[]> hash = Tokens.hash(token);
        if (hash.isEmpty()) {
            return false;
        }
        boolean deleted = Tokens.isOperator(token) ? store.deleteOperator(hash.get()) : store.delete(hash.get());
        cache.ifPresent(c -> c.invalidate(key(token, hash.get())));
        return deleted;
    }

    /** Users' and operators' sessions share the region; the prefix keeps their keys apart. */
    private static String key(String token, byte[] tokenHash) {
        String hex = HexFormat.of().formatHex(tokenHash);
        return Tokens.isOperator(token) ? Tokens.OPERATOR_PREFIX + hex : hex;
    }

    private boolean matches(String password, String hash) {
        try {
            return bcrypt.matches(password, hash);
        } catch (IllegalArgumentException e) {
            return false; // over bcrypt's 72 bytes, or a malformed stored hash
        }
    }
}
