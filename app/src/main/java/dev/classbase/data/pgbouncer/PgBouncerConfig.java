package dev.classbase.data.pgbouncer;

import dev.classbase.data.pool.PoolInputs;
import dev.classbase.data.pool.PoolSizing;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Renders {@code pgbouncer.ini} and {@code userlist.txt} for PgBouncer 1.18 or newer: transaction
 * pooling, scram-sha-256 only, sizes from {@link BouncerSizes}. Every value is checked or quoted so
 * that no input can add a line or a setting: database names are ini keys and must be plain
 * identifiers, connection-string values are single-quoted, userlist fields are double-quoted with
 * quotes doubled (PgBouncer's own rules, src/loader.c), and line breaks are refused everywhere.
 */
public final class PgBouncerConfig {
    /** The characters PgBouncer's ini parser accepts in a key (libusual cfparser). */
    private static final Pattern INI_KEY = Pattern.compile("[A-Za-z0-9_.-]+");
    /** A role in admin_users/stats_users: a comma-separated list, so no commas, spaces or quotes. */
    private static final Pattern LIST_ITEM = Pattern.compile("[^,\\s\"';#]+");

    private PgBouncerConfig() {}

    /** One entry of {@code [databases]}: the name clients use and the server it leads to. */
    public record Database(String name, String host, int port, String dbname) {}

    /**
     * Everything the ini needs. {@link #of} fills the production defaults (Debian's paths, local
     * listener on 6432); the {@code with*} methods change one concern each.
     */
    public record Settings(
            String listenAddress,
            int listenPort,
            List<Database> databases,
            String authFile,
            String logFile,
            String pidFile,
            String unixSocketDir,
            List<String> adminUsers,
            List<String> statsUsers,
            PoolInputs inputs) {

        public Settings {
            databases = List.copyOf(databases);
            adminUsers = List.copyOf(adminUsers);
            statsUsers = List.copyOf(statsUsers);
            if (databases.isEmpty()) {
                throw new IllegalArgumentException("at least one database is needed");
            }
            if (listenPort < 1 || listenPort > 65535) {
                throw new IllegalArgumentException("listen port must be 1 to 65535, got " + listenPort);
            }
        }

        public static Settings of(List<Database> databases, PoolInputs inputs) {
            return new Settings(
                    "127.0.0.1",
                    6432,
                    databases,
                    "/etc/pgbouncer/userlist.txt",
                    "/var/log/postgresql/pgbouncer.log",
                    "/var/run/postgresql/pgbouncer.pid",
                    "/var/run/postgresql",
                    List.of(),
                    List.of(),
                    inputs);
        }

        public Settings withListen(String address, int port) {
            return new Settings(
                    address,
                    port,
                    databases,
                    authFile,
                    logFile,
                    pidFile,
                    unixSocketDir,
                    adminUsers,
                    statsUsers,
                    inputs);
        }

        /** The files; an empty {@code unixSocketDir} listens on TCP only. */
        public Settings withFiles(String authFile, String logFile, String pidFile, String unixSocketDir) {
            return new Settings(
                    listenAddress,
                    listenPort,
                    databases,
                    authFile,
                    logFile,
                    pidFile,
                    unixSocketDir,
                    adminUsers,
                    statsUsers,
                    inputs);
        }

        /** Admin users may PAUSE, RELOAD and SHUTDOWN; stats users may only SHOW. */
        public Settings withUsers(List<String> adminUsers, List<String> statsUsers) {
            return new Settings(
                    listenAddress,
                    listenPort,
                    databases,
                    authFile,
                    logFile,
                    pidFile,
                    unixSocketDir,
                    adminUsers,
                    statsUsers,
                    inputs);
        }

        public BouncerSizes sizes() {
            return BouncerSizes.of(inputs, databases.size());
        }
    }

    public static String ini(Settings s) {
        BouncerSizes sizes = s.sizes();
        PoolInputs in = s.inputs();
        StringBuilder out = new StringBuilder();
        out.append("""
                ;; PgBouncer for classbase (PgBouncer 1.18 or newer), written by `classbase pgbouncer-config`.
                ;; Why each value: infrastructure/pgbouncer/README.md. Sizes: dev.classbase.data.pgbouncer.BouncerSizes.

                [databases]
                """);
        for (Database db : s.databases()) {
            if (!INI_KEY.matcher(db.name()).matches() || db.name().equals("pgbouncer")) {
                throw new IllegalArgumentException("database name " + quoteForMessage(db.name())
                        + " cannot be a PgBouncer database name: use letters, digits, _ . - (and not 'pgbouncer')");
            }
            if (db.port() < 1 || db.port() > 65535) {
                throw new IllegalArgumentException("port of database " + db.name() + " must be 1 to 65535");
            }
            out.append(db.name())
                    .append(" = host=")
                    .append(connValue("host", db.host()))
                    .append(" port=")
                    .append(db.port())
                    .append(" dbname=")
                    .append(connValue("dbname", db.dbname()))
                    .append('\n');
        }
        out.append("\n[pgbouncer]\n");
        line(out, "listen_addr", s.listenAddress());
        line(out, "listen_port", Integer.toString(s.listenPort()));
        out.append(";; empty: TCP only\n");
        line(out, "unix_socket_dir", s.unixSocketDir());
        out.append("""

                ;; Authentication: SCRAM only. The auth_file holds the server's own SCRAM secrets
                ;; (from pg_authid), which also lets PgBouncer log in to PostgreSQL on the client's behalf.
                auth_type = scram-sha-256
                """);
        line(out, "auth_file", s.authFile());
        out.append(";; admin users may PAUSE/RELOAD/SHUTDOWN; stats users may only SHOW (health checks)\n");
        line(out, "admin_users", userList("admin_users", s.adminUsers()));
        line(out, "stats_users", userList("stats_users", s.statsUsers()));
        out.append("""

                ;; Transaction pooling: a server connection is lent for one transaction. Session state does not
                ;; survive COMMIT: use SET LOCAL (never plain SET), transaction advisory locks, no LISTEN, no
                ;; WITH HOLD cursors. pgjdbc needs prepareThreshold=0 before PgBouncer 1.21.
                pool_mode = transaction
                ;; nothing to reset: transaction mode never hands session state to the next client
                server_reset_query =
                server_reset_query_always = 0
                server_check_query = select 1
                server_check_delay = 30
                ;; pgjdbc sends extra_float_digits at startup; PgBouncer refuses unknown startup parameters
                ignore_startup_parameters = extra_float_digits

                """);
        out.append(String.format(
                Locale.ROOT,
                """
                ;; Sizes from: %d database cores, %d spindle(s), max_connections %d - %d reserved, margin %s,
                ;; %s tx/s x %s ms = %.1f transactions in flight, %d app instance(s).
                ;; server connections per user+database: max(cores x 2 + spindles, in flight), within the budget
                default_pool_size = %d
                ;; the mean in flight, kept connected
                min_pool_size = %d
                ;; extra connections for a burst, after a client has waited reserve_pool_timeout seconds
                reserve_pool_size = %d
                reserve_pool_timeout = 3
                ;; the database budget: (max_connections - reserved) x margin, per database behind this PgBouncer
                max_db_connections = %d
                ;; every instance's pools, twice for rolling deploys, + 20; the open-files limit must exceed
                ;; max_client_conn + max_db_connections
                max_client_conn = %d
                ;; a client waiting this long for a server connection gets an error (08P01, which the
                ;; instances answer 503 with Retry-After) instead of hanging: HikariCP's connection
                ;; timeout, so a request waits for a server connection no longer than for a pool one
                query_wait_timeout = 5
                ;; a server that refused or was down is tried again after this many seconds (default
                ;; 15): a restarted replica is back in the rotation within about a second
                server_login_retry = 1
                server_idle_timeout = 600
                server_lifetime = 3600

                """,
                in.cores(),
                in.effectiveSpindles(),
                in.databaseMaxConnections(),
                in.reservedConnections(),
                PoolSizing.number(in.safetyMargin()),
                PoolSizing.number(in.requestsPerSecond()),
                PoolSizing.number(in.meanQueryMillis()),
                in.totalConcurrency(),
                in.appInstances(),
                sizes.defaultPoolSize(),
                sizes.minPoolSize(),
                sizes.reservePoolSize(),
                sizes.maxDbConnections(),
                sizes.maxClientConn()));
        line(out, "logfile", s.logFile());
        line(out, "pidfile", s.pidFile());
        out.append("""
                log_connections = 0
                log_disconnections = 0
                log_pooler_errors = 1
                stats_period = 60

                ;; TLS: enable in production, between the app and PgBouncer and between PgBouncer and PostgreSQL.
                ;client_tls_sslmode = require
                ;client_tls_key_file = /etc/pgbouncer/tls/pgbouncer.key
                ;client_tls_cert_file = /etc/pgbouncer/tls/pgbouncer.crt
                ;client_tls_protocols = secure
                ;server_tls_sslmode = verify-full
                ;server_tls_ca_file = /etc/pgbouncer/tls/root.crt
                ;server_tls_protocols = secure
                """);
        return out.toString();
    }

    /** {@code "role" "SCRAM-SHA-256$..."} lines, quotes doubled, in the map's order. */
    public static String userlist(Map<String, String> secrets) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> e : secrets.entrySet()) {
            String secret = e.getValue();
            if (secret == null || !secret.startsWith("SCRAM-SHA-256$")) {
                throw new IllegalArgumentException("the secret of role " + quoteForMessage(e.getKey())
                        + " is not a SCRAM-SHA-256 secret; md5 and plain passwords are not written");
            }
            out.append(userlistField("role", e.getKey()))
                    .append(' ')
                    .append(userlistField("secret", secret))
                    .append('\n');
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String key, String value) {
        String v = value == null ? "" : value;
        if (!v.equals(v.strip()) || hasControl(v)) {
            throw new IllegalArgumentException(
                    key + " must be one line without leading or trailing blanks, got " + quoteForMessage(v));
        }
        out.append(key).append(" = ").append(v).append('\n');
    }

    private static String userList(String key, List<String> users) {
        for (String u : users) {
            if (!LIST_ITEM.matcher(u).matches()) {
                throw new IllegalArgumentException(key + ": role " + quoteForMessage(u)
                        + " cannot be listed (no commas, blanks, quotes, ';' or '#')");
            }
        }
        return String.join(",", users);
    }

    /** A libpq-style connection-string value in single quotes, quotes doubled (PgBouncer's cstr rules). */
    static String connValue(String key, String value) {
        if (value == null || value.isEmpty() || hasControl(value)) {
            throw new IllegalArgumentException(key + " must be a non-empty single line, got " + quoteForMessage(value));
        }
        return "'" + value.replace("'", "''") + "'";
    }

    static String userlistField(String what, String value) {
        if (value == null || value.isEmpty() || hasControl(value)) {
            throw new IllegalArgumentException("userlist " + what + " must be a non-empty single line");
        }
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }

    private static String quoteForMessage(String s) {
        return s == null ? "null" : "'" + s.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
