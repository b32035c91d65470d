package dev.classbase.cli;

import dev.classbase.cluster.ClusterConfig;
import dev.classbase.cluster.ClusterException;
import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.cluster.Endpoint;
import dev.classbase.data.JdbcUrls;
import dev.classbase.data.pgbouncer.AuthQueries;
import dev.classbase.data.pgbouncer.BouncerSizes;
import dev.classbase.data.pgbouncer.PgBouncerConfig;
import dev.classbase.data.pool.PoolInputs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "pgbouncer-config",
        description = {
            "Write pgbouncer.ini and userlist.txt for the database: transaction pooling, scram-sha-256, sizes from "
                    + "pool-size's rules (max_connections read from the server unless given).",
            "Target: the embedded cluster's primary, or CLASSBASE_DATABASE_URL with --admin-url (a superuser, to "
                    + "read the SCRAM secrets from pg_authid). Without --out, prints pgbouncer.ini only."
        })
final class PgBouncerConfigCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    PoolSizeCommand.SizingOptions sizing;

    @Option(names = "--out", paramLabel = "DIR", description = "write pgbouncer.ini and userlist.txt (mode 0600) here")
    Path out;

    @Option(names = "--listen-port", description = "PgBouncer's port (default: 6432)")
    int listenPort = 6432;

    @Option(names = "--listen-addr", description = "PgBouncer's listen address (default: 127.0.0.1)")
    String listenAddress = "127.0.0.1";

    @Option(
            names = "--admin-url",
            description = "superuser URL of the external server, to read pg_authid (postgresql://postgres:...@host/db)")
    String adminUrl;

    @Option(
            names = "--admin-users",
            split = ",",
            description = "roles allowed to PAUSE/RELOAD/SHUTDOWN PgBouncer (default: none)")
    List<String> adminUsers = new ArrayList<>();

    @Option(
            names = "--stats-users",
            split = ",",
            description = "roles allowed to SHOW pools and stats (default: the application role)")
    List<String> statsUsers;

    @picocli.CommandLine.Mixin
    DataDir dataDir;

    /** The server PgBouncer fronts, the app role's connection, and (with --out) a superuser's. */
    private record Target(
            String host, int port, String database, DatabaseTarget.Server app, DatabaseTarget.Server admin) {}

    @Override
    public Integer call() throws SQLException {
        if (listenPort < 1 || listenPort > 65535) {
            throw new IllegalArgumentException("--listen-port must be 1 to 65535, got " + listenPort);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        if (DatabaseTarget.external()) {
            return write(externalTarget(), stdout);
        }
        Path dir = DatabaseTarget.dataDir(dataDir.path()).toAbsolutePath().normalize();
        try (EmbeddedCluster cluster = embedded(dir)) {
            Endpoint primary = cluster.primary();
            return write(
                    new Target(
                            primary.host(),
                            primary.port(),
                            primary.database(),
                            server(primary),
                            server(cluster.superuser(primary))),
                    stdout);
        }
    }

    private int write(Target target, PrintWriter stdout) throws SQLException {
        PoolInputs inputs = sizing.inputs(serverMaxConnections(target.app()));
        List<String> stats =
                statsUsers != null ? statsUsers : List.of(target.app().user());
        PgBouncerConfig.Settings settings = PgBouncerConfig.Settings.of(
                        List.of(new PgBouncerConfig.Database(
                                target.database(), target.host(), target.port(), target.database())),
                        inputs)
                .withListen(listenAddress, listenPort)
                .withUsers(adminUsers, stats);
        if (out == null) {
            stdout.print(PgBouncerConfig.ini(settings));
            stdout.flush();
            spec.commandLine()
                    .getErr()
                    .println("classbase: userlist.txt holds secrets and is written only with --out DIR");
            return 0;
        }
        Path dir = out.toAbsolutePath().normalize();
        settings = settings.withFiles(
                dir.resolve("userlist.txt").toString(),
                dir.resolve("pgbouncer.log").toString(),
                dir.resolve("pgbouncer.pid").toString(),
                "");
        String ini = PgBouncerConfig.ini(settings); // validates before anything is read or written
        Set<String> roles = new LinkedHashSet<>();
        roles.add(target.app().user());
        roles.addAll(adminUsers);
        roles.addAll(stats);
        Map<String, String> secrets;
        try (Connection c = DatabaseTarget.connect(target.admin())) {
            secrets = AuthQueries.scramSecrets(c, roles);
        } catch (SQLException e) {
            throw new ClusterException("cannot read pg_authid as "
                    + target.admin().user() + " at " + target.admin().hosts() + ": " + JdbcUrls.mask(e.getMessage()));
        } catch (IllegalStateException e) {
            throw new ClusterException(e.getMessage());
        }
        String userlist = PgBouncerConfig.userlist(secrets);
        try {
            Files.createDirectories(dir);
            writeAtomically(dir.resolve("pgbouncer.ini"), ini, "rw-r-----");
            writeAtomically(dir.resolve("userlist.txt"), userlist, "rw-------");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + dir, e);
        }
        BouncerSizes sizes = settings.sizes();
        stdout.printf(
                "wrote %s and %s (mode 0600; roles: %s)%n",
                dir.resolve("pgbouncer.ini"), dir.resolve("userlist.txt"), String.join(", ", secrets.keySet()));
        stdout.printf(
                "  %s -> %s:%d/%s, pool_mode=transaction, auth_type=scram-sha-256, default_pool_size=%d,"
                        + " max_db_connections=%d, max_client_conn=%d%n",
                listenAddress + ":" + listenPort,
                target.host(),
                target.port(),
                target.database(),
                sizes.defaultPoolSize(),
                sizes.maxDbConnections(),
                sizes.maxClientConn());
        stdout.printf(
                "  start: pgbouncer %s   (never as root: add -u <user> that can read the folder)%n",
                dir.resolve("pgbouncer.ini"));
        stdout.printf(
                "  connect: jdbc:postgresql://%s:%d/%s?prepareThreshold=0%n",
                listenAddress, listenPort, target.database());
        stdout.flush();
        return 0;
    }

    private Target externalTarget() {
        JdbcUrls.Parsed app;
        try {
            app = JdbcUrls.parse(System.getenv("CLASSBASE_DATABASE_URL").trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("CLASSBASE_DATABASE_URL: " + e.getMessage());
        }
        if (app.hosts().contains(",")) {
            throw new IllegalArgumentException("CLASSBASE_DATABASE_URL names several hosts (" + app.hosts()
                    + "); PgBouncer fronts one server: give the primary's URL");
        }
        int colon = app.hosts().lastIndexOf(':');
        String host = colon < 0 ? app.hosts() : app.hosts().substring(0, colon);
        int port = colon < 0 ? 5432 : Integer.parseInt(app.hosts().substring(colon + 1));
        String database = databaseOf(app.jdbcUrl());
        DatabaseTarget.Server appServer =
                new DatabaseTarget.Server("primary", app.jdbcUrl(), app.user(), app.password(), app.hosts());
        DatabaseTarget.Server admin = null;
        if (adminUrl != null) {
            JdbcUrls.Parsed a;
            try {
                a = JdbcUrls.parse(adminUrl.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--admin-url: " + e.getMessage());
            }
            admin = new DatabaseTarget.Server("admin", a.jdbcUrl(), a.user(), a.password(), a.hosts());
        } else if (out != null) {
            throw new IllegalArgumentException("--admin-url is required with CLASSBASE_DATABASE_URL and --out: "
                    + "userlist.txt needs the SCRAM secrets from pg_authid, which only a superuser can read");
        }
        if (app.user() == null) {
            throw new IllegalArgumentException("CLASSBASE_DATABASE_URL has no user");
        }
        return new Target(host, port, database, appServer, admin);
    }

    private static EmbeddedCluster embedded(Path dir) {
        ClusterConfig config = ClusterConfig.of(dir, DbCommand.replicasIn(dir));
        Optional<EmbeddedCluster> running = EmbeddedCluster.attachIfRunning(config);
        if (running.isPresent()) {
            return running.get();
        }
        if (!Files.exists(dir.resolve("cluster.properties"))) {
            throw new ClusterException("no embedded cluster in " + dir + " yet: start it with ./classbase serve, "
                    + "or set CLASSBASE_DATABASE_URL");
        }
        return EmbeddedCluster.start(config);
    }

    /** The server's max_connections, so the budget is the real one; null when it cannot be read. */
    private static Integer serverMaxConnections(DatabaseTarget.Server app) {
        try (Connection c = DatabaseTarget.connect(app);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW max_connections")) {
            return rs.next() ? Integer.valueOf(rs.getString(1)) : null;
        } catch (SQLException e) {
            throw new ClusterException("cannot connect to PostgreSQL at " + app.hosts() + " as " + app.user() + ": "
                    + JdbcUrls.mask(e.getMessage()));
        }
    }

    private static DatabaseTarget.Server server(Endpoint e) {
        return new DatabaseTarget.Server(e.name(), e.jdbcUrl(), e.user(), e.password(), e.host() + ":" + e.port());
    }

    static String databaseOf(String jdbcUrl) {
        String rest = jdbcUrl.substring("jdbc:postgresql://".length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            return "postgres";
        }
        String db = rest.substring(slash + 1);
        int q = db.indexOf('?');
        db = q < 0 ? db : db.substring(0, q);
        return db.isEmpty() ? "postgres" : java.net.URLDecoder.decode(db, StandardCharsets.UTF_8);
    }

    private static void writeAtomically(Path file, String text, String permissions) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        // created with its final mode, so the secrets are never readable by others, not even briefly
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
