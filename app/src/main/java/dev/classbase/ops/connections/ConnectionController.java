package dev.classbase.ops.connections;

import dev.classbase.data.pool.Pools;
import dev.classbase.ops.kernel.ConsoleDatabase;
import dev.classbase.ops.kernel.ConsoleProperties;
import dev.classbase.ops.kernel.LocalTimeout;
import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Caller;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/admin/database/connections}: counts by state, user, application and client,
 * and the live queries. {@code POST .../connections/{pid}/cancel} and {@code .../terminate}: the
 * signal, refused for the console's own backend and for server processes (walsenders, autovacuum),
 * 404 for a pid that is no backend, 403 when switched off ({@code
 * classbase.console.connections.actions-enabled=false}); every attempt is written to
 * connection_audit (V62) in the transaction that sends the signal. {@code GET .../connections/audit}.
 */
@RestController
@EnableConfigurationProperties(ConnectionProperties.class)
class ConnectionController {
    private static final int MAX_LIMIT = 500;

    private final ConsoleDatabase db;
    private final ConsoleProperties props;
    private final ConnectionProperties connections;
    private final DataSource primary;

    @Autowired
    ConnectionController(ConsoleDatabase db, ConsoleProperties props, ConnectionProperties connections, Pools pools) {
        this(db, props, connections, pools.primary());
    }

    ConnectionController(
            ConsoleDatabase db, ConsoleProperties props, ConnectionProperties connections, DataSource primary) {
        this.db = db;
        this.props = props;
        this.connections = connections;
        this.primary = primary;
    }

    record Connections(
            String note,
            boolean actionsEnabled,
            List<ConnectionCount.ByState> byState,
            List<ConnectionCount.ByUser> byUser,
            List<ConnectionCount.ByApplication> byApplication,
            List<ConnectionCount.ByClient> byClient,
            List<ConnectionQueries.Live> live) {}

    record Action(int pid, String action, boolean signalled, ConnectionQueries.Backend backend) {}

    @GetMapping("/api/v1/admin/database/connections")
    Connections connections(@RequestParam(defaultValue = "100") int limit) throws SQLException {
        int n = limit(limit);
        String note = db.allStats().note();
        return db.readOnly(
                props.checkTimeout(),
                c -> new Connections(
                        note,
                        connections.actionsEnabled(),
                        ConnectionQueries.byState(c),
                        ConnectionQueries.byUser(c),
                        ConnectionQueries.byApplication(c),
                        ConnectionQueries.byClient(c),
                        ConnectionQueries.live(c, connections.queryChars(), n)));
    }

    @GetMapping("/api/v1/admin/database/connections/audit")
    List<ConnectionQueries.AuditEntry> audit(@RequestParam(defaultValue = "50") int limit) throws SQLException {
        int n = limit(limit);
        return db.readOnly(props.checkTimeout(), c -> ConnectionQueries.auditLog(c, n));
    }

    @PostMapping("/api/v1/admin/database/connections/{pid}/cancel")
    Action cancel(@PathVariable String pid, Caller caller) throws SQLException {
        return act("cancel", pid, caller);
    }

    @PostMapping("/api/v1/admin/database/connections/{pid}/terminate")
    Action terminate(@PathVariable String pid, Caller caller) throws SQLException {
        return act("terminate", pid, caller);
    }

    Action act(String action, String pidText, Caller caller) throws SQLException {
        if (!connections.actionsEnabled()) {
            throw ApiException.forbidden("connection actions are switched off on this server"
                    + " (classbase.console.connections.actions-enabled=false): nothing was " + action + "led");
        }
        int pid = pid(pidText);
        try (Connection c = primary.getConnection()) {
            c.setAutoCommit(false);
            try {
                LocalTimeout.statement(c, props.checkTimeout());
                ApiException refusal = null;
                Action done = null;
                ConnectionQueries.Backend backend =
                        ConnectionQueries.backend(c, pid).orElse(null);
                if (backend == null) {
                    audit(c, action, "not_found", caller, pid, null, "no backend with this pid");
                    refusal = ApiException.notFound("backend " + pid);
                } else if (Boolean.TRUE.equals(backend.own())) {
                    audit(c, action, "refused", caller, pid, backend, "the console's own backend");
                    refusal = ApiException.conflict(
                            "pid " + pid + " is the connection this console request runs on: not " + action + "led");
                } else if (!"client backend".equals(backend.backendType())) {
                    audit(c, action, "refused", caller, pid, backend, "not a client backend");
                    refusal = ApiException.conflict("pid " + pid + " is a " + backend.backendType()
                            + ", not a client connection: the console signals client backends only");
                } else {
                    done = signal(c, action, pid, backend, caller);
                }
                c.commit();
                if (refusal != null) {
                    throw refusal;
                }
                return done;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private Action signal(Connection c, String action, int pid, ConnectionQueries.Backend backend, Caller caller)
            throws SQLException {
        Savepoint beforeSignal = c.setSavepoint();
        boolean signalled;
        try {
            signalled =
                    "cancel".equals(action) ? ConnectionQueries.cancel(c, pid) : ConnectionQueries.terminate(c, pid);
        } catch (SQLException e) {
            if (!"42501".equals(e.getSQLState())) {
                throw e;
            }
            // insufficient_privilege: another role's backend, and this role is not in pg_signal_backend
            c.rollback(beforeSignal);
            audit(c, action, "not_signalled", caller, pid, backend, e.getMessage());
            c.commit();
            throw ApiException.forbidden("the database refused: " + e.getMessage() + "; the service role may signal"
                    + " its own backends only, unless granted pg_signal_backend (a superuser can:"
                    + " GRANT pg_signal_backend TO classbase_app)");
        }
        audit(c, action, signalled ? "signalled" : "not_signalled", caller, pid, backend, null);
        if (!signalled) {
            c.commit();
            throw new ApiException(
                    HttpStatus.NOT_FOUND, "Not found", "backend " + pid + " ended before it could be signalled", null);
        }
        return new Action(pid, action, true, backend);
    }

    private static void audit(
            Connection c,
            String action,
            String outcome,
            Caller caller,
            int pid,
            ConnectionQueries.Backend backend,
            String detail)
            throws SQLException {
        ConnectionQueries.audit(c, action, outcome, caller.userId(), caller.email(), pid, backend, detail);
    }

    private static int pid(String text) {
        try {
            int pid = Integer.parseInt(text.strip());
            if (pid > 0) {
                return pid;
            }
        } catch (NumberFormatException e) {
            // the message below says what is valid
        }
        throw ApiException.badRequest("pid", "must be a backend process id (a positive integer)");
    }

    private static int limit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.badRequest("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return limit;
    }
}
