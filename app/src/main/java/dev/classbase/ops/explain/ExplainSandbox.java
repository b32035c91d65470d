package dev.classbase.ops.explain;

import com.zaxxer.hikari.HikariDataSource;
import dev.classbase.web.ApiException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;

/**
 * Where the console's EXPLAIN runs. Each call takes one of a few permits (waiting briefly, then 503
 * with Retry-After: never a queue) and a connection of its own, and inside a read-only transaction
 * bounded by {@code SET LOCAL statement_timeout}/{@code lock_timeout}, optionally bound to a tenant
 * with {@code SET LOCAL app.tenant_id} (the command, which the statement cannot issue), switches to
 * {@code classbase_explain} with {@code SET LOCAL ROLE}: a role with no membership, the tables under
 * row-level security to read and nothing else (migration V73). Afterwards: session advisory locks
 * released inside the transaction (ROLLBACK keeps them; behind PgBouncer's transaction pooling only
 * the same transaction reaches the same server connection), rollback, {@code DISCARD ALL}, and the
 * connection is evicted, so no session state the statement left outlives the call.
 *
 * <p>Whether the role is in place is detected once and cached; a missing one is asked again after a
 * minute, so enabling it needs no restart.
 */
final class ExplainSandbox implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExplainSandbox.class);
    static final String ROLE = "classbase_explain";
    /** Concurrent EXPLAINs (and the side pool's size): diagnostics are few. */
    static final int PERMITS = 2;

    private static final Duration WAIT = Duration.ofMillis(500);
    private static final Duration RECHECK = Duration.ofMinutes(1);

    /** One piece of work inside the sandbox's transaction, told what the sandbox could offer. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection, Offer offer) throws SQLException;
    }

    /**
     * What the server offers: {@code role} whether the statement runs as {@link #ROLE} (it exists,
     * this login may switch to it, it bypasses nothing); {@code analyze} whether it may also run the
     * statement (besides, the role can neither call set_config nor any SECURITY DEFINER function
     * and is a member of nothing); {@code note} why not and how to enable it.
     */
    record Offer(boolean role, boolean analyze, String note) {}

    /** No permit within the wait, or no server to run on: 503 with Retry-After. */
    static final class Busy extends ApiException {
        private final long retryAfterSeconds;

        Busy(String title, String detail, long retryAfterSeconds) {
            super(HttpStatus.SERVICE_UNAVAILABLE, title, detail, Map.of());
            this.retryAfterSeconds = retryAfterSeconds;
        }

        long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    private record Detected(Offer offer, long atNanos) {}

    private final DataSource dataSource;
    private final Semaphore permits;
    private final Runnable onClose;
    private volatile Detected detected;

    ExplainSandbox(DataSource dataSource, int permits, Runnable onClose) {
        this.dataSource = dataSource;
        this.permits = new Semaphore(permits);
        this.onClose = onClose;
    }

    @Override
    public void close() {
        onClose.run();
    }

    /** Runs the work in the sandbox; {@code tenantId} null leaves row-level security with no tenant (no rows). */
    <T> T run(Duration timeout, Long tenantId, Work<T> work) throws SQLException {
        long retryAfter = Math.max(1, (timeout.toMillis() + 999) / 1000);
        try {
            if (!permits.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new Busy(
                        "EXPLAIN busy",
                        "every EXPLAIN slot (" + PERMITS + ") is taken; try again in " + retryAfter + " s",
                        retryAfter);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy("EXPLAIN busy", "interrupted while waiting for an EXPLAIN slot", retryAfter);
        }
        try {
            Connection c;
            try {
                c = dataSource.getConnection();
            } catch (SQLException e) {
                throw new Busy(
                        "Database unavailable",
                        "no connection to the primary for EXPLAIN: " + e.getMessage(),
                        retryAfter);
            }
            try {
                Offer offer = offer(c);
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    // first statement of the transaction, so nothing before it can write
                    s.execute("SET TRANSACTION READ ONLY");
                    // SET LOCAL takes no bind parameter; the values are numbers computed here
                    s.execute("SET LOCAL statement_timeout = " + Math.max(1, timeout.toMillis()));
                    s.execute("SET LOCAL lock_timeout = " + Math.max(1, timeout.toMillis()));
                    if (tenantId != null) {
                        s.execute("SET LOCAL app.tenant_id = '" + tenantId.longValue() + "'");
                    }
                    if (offer.role()) {
                        s.execute("SET LOCAL ROLE " + ROLE);
                    }
                }
                Savepoint before = c.setSavepoint();
                try {
                    return work.run(c, offer);
                } finally {
                    unlock(c, before);
                }
            } finally {
                retire(c);
            }
        } finally {
            permits.release();
        }
    }

    /** What the server offers, detected on this connection (outside any transaction) when not cached. */
    Offer offer(Connection c) throws SQLException {
        Detected d = detected;
        if (d != null && (d.offer().analyze() || System.nanoTime() - d.atNanos() < RECHECK.toNanos())) {
            return d.offer();
        }
        Offer offer = detect(c);
        if (!offer.analyze() && (d == null || !offer.equals(d.offer()))) {
            log.warn("console: EXPLAIN ANALYZE {}", offer.note()); // said once, not at every recheck
        }
        detected = new Detected(offer, System.nanoTime());
        return offer;
    }

    private static Offer detect(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT me.login, me.owner, r.oid IS NOT NULL AS exists,
                       r.rolsuper OR r.rolbypassrls AS privileged,
                       pg_has_role(me.login, r.oid, 'MEMBER') AS may_set,
                       has_function_privilege(r.oid, 'pg_catalog.set_config(text, text, boolean)', 'EXECUTE')
                           AS sets_config,
                       (SELECT string_agg(m.roleid::regrole::text, ', ') FROM pg_auth_members AS m
                        WHERE m.member = r.oid) AS memberships,
                       (SELECT string_agg(p.oid::regprocedure::text, ', ') FROM pg_proc AS p
                        WHERE p.prosecdef AND has_function_privilege(r.oid, p.oid, 'EXECUTE')) AS definers
                FROM (SELECT current_user AS login,
                             (SELECT pg_get_userbyid(d.datdba) FROM pg_database AS d
                              WHERE d.datname = current_database()) AS owner) AS me
                LEFT JOIN pg_roles AS r ON r.rolname = ?
                """)) {
            ps.setString(1, ROLE);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String login = rs.getString("login");
                String enable = "a superuser runs: CREATE ROLE " + ROLE + " NOLOGIN NOINHERIT; GRANT " + ROLE + " TO "
                        + login + "; REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) FROM PUBLIC;"
                        + " GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) TO " + login + ", "
                        + rs.getString("owner") + "; SELECT classbase_grant_explain_role(); (migration V73)";
                if (!rs.getBoolean("exists")) {
                    return new Offer(
                            false, false, "is off: the role " + ROLE + " does not exist; to enable it, " + enable);
                }
                if (rs.getBoolean("privileged")) {
                    return new Offer(
                            false,
                            false,
                            "is off: " + ROLE + " is a superuser or bypasses row-level security, so it is not used;"
                                    + " ALTER ROLE " + ROLE + " NOSUPERUSER NOBYPASSRLS");
                }
                if (!rs.getBoolean("may_set")) {
                    return new Offer(
                            false,
                            false,
                            "is off: " + login + " may not SET ROLE " + ROLE + "; a superuser runs: GRANT " + ROLE
                                    + " TO " + login);
                }
                List<String> gaps = new ArrayList<>();
                if (rs.getBoolean("sets_config")) {
                    gaps.add(ROLE + " may execute set_config (PUBLIC may), so a statement could rebind app.tenant_id");
                }
                if (rs.getString("memberships") != null) {
                    gaps.add(ROLE + " is a member of " + rs.getString("memberships"));
                }
                if (rs.getString("definers") != null) {
                    gaps.add(ROLE + " may execute SECURITY DEFINER functions: " + rs.getString("definers"));
                }
                if (!gaps.isEmpty()) {
                    return new Offer(true, false, "is off: " + String.join("; ", gaps) + "; to enable it, " + enable);
                }
                return new Offer(true, true, null);
            }
        }
    }

    /**
     * Session advisory locks outlive ROLLBACK: released here, inside the transaction, after rolling
     * back to the savepoint if the work failed (an aborted transaction runs nothing).
     */
    private static void unlock(Connection c, Savepoint before) {
        try {
            c.rollback(before);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_unlock_all()");
            }
        } catch (SQLException e) {
            log.debug("console: explain connection not reusable for the unlock; it is evicted", e);
        }
    }

    /** Rollback, DISCARD ALL (the session's prepared statements, settings, locks), then evict and close. */
    private void retire(Connection c) {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
            try (Statement s = c.createStatement()) {
                s.execute("DISCARD ALL");
            }
        } catch (SQLException e) {
            log.debug("console: explain connection broken on release; it is evicted", e);
        } finally {
            if (dataSource instanceof HikariDataSource pool) {
                pool.evictConnection(c);
            }
            try {
                c.close();
            } catch (SQLException e) {
                log.debug("console: closing an evicted explain connection", e);
            }
        }
    }
}
