package dev.classbase.cli;

import dev.classbase.cluster.ClusterConfig;
import dev.classbase.cluster.ClusterException;
import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.cluster.Endpoint;
import dev.classbase.data.JdbcUrls;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The database a command works on: the embedded cluster (the default) or the servers named by
 * {@code CLASSBASE_DATABASE_URL} and {@code CLASSBASE_REPLICA_URLS}.
 */
final class DatabaseTarget implements AutoCloseable {

    /** One server to connect to. */
    record Server(String name, String url, String user, String password, String hosts) {}

    private final Server primary;
    private final List<Server> replicas;
    private final EmbeddedCluster cluster;
    private final String serviceUser;
    private final String servicePassword;

    private DatabaseTarget(
            Server primary,
            List<Server> replicas,
            EmbeddedCluster cluster,
            String serviceUser,
            String servicePassword) {
        this.primary = primary;
        this.replicas = replicas;
        this.cluster = cluster;
        this.serviceUser = serviceUser;
        this.servicePassword = servicePassword;
    }

    static boolean external() {
        String url = System.getenv("CLASSBASE_DATABASE_URL");
        return url != null && !url.isBlank();
    }

    static Path dataDir(Path option) {
        if (option != null) {
            return option;
        }
        String env = System.getenv("CLASSBASE_DATA_DIR");
        return Path.of(env != null && !env.isBlank() ? env : "var/cluster");
    }

    /** Opens the configured database, starting the embedded cluster when needed. */
    static DatabaseTarget open(Path dataDirOption, int replicas) {
        if (external()) {
            return externalTarget();
        }
        EmbeddedCluster cluster = EmbeddedCluster.start(ClusterConfig.of(dataDir(dataDirOption), replicas));
        return embedded(cluster);
    }

    static DatabaseTarget embedded(EmbeddedCluster cluster) {
        List<Server> replicas = new ArrayList<>();
        for (Endpoint e : cluster.replicas()) {
            replicas.add(server(e));
        }
        Endpoint service = cluster.service(cluster.primary());
        return new DatabaseTarget(server(cluster.primary()), replicas, cluster, service.user(), service.password());
    }

    private static Server server(Endpoint e) {
        return new Server(e.name(), e.jdbcUrl(), e.user(), e.password(), e.host() + ":" + e.port());
    }

    private static DatabaseTarget externalTarget() {
        Server primary = parse("primary", System.getenv("CLASSBASE_DATABASE_URL"));
        List<Server> replicas = new ArrayList<>();
        int i = 1;
        for (String url : JdbcUrls.split(System.getenv("CLASSBASE_REPLICA_URLS"))) {
            Server replica = parse("replica" + i++, url);
            replicas.add(new Server(
                    replica.name(),
                    replica.url(),
                    replica.user() != null ? replica.user() : primary.user(),
                    replica.password() != null ? replica.password() : primary.password(),
                    replica.hosts()));
        }
        String serviceUser = System.getenv("CLASSBASE_APP_USER");
        String servicePassword = System.getenv("CLASSBASE_APP_PASSWORD");
        DatabaseTarget target = serviceUser == null || serviceUser.isBlank()
                ? new DatabaseTarget(primary, replicas, null, null, null)
                : new DatabaseTarget(primary, replicas, null, serviceUser, servicePassword);
        target.checkReachable(primary);
        return target;
    }

    private static Server parse(String name, String url) {
        try {
            JdbcUrls.Parsed parsed = JdbcUrls.parse(url.trim());
            return new Server(name, parsed.jdbcUrl(), parsed.user(), parsed.password(), parsed.hosts());
        } catch (IllegalArgumentException e) {
            throw new ClusterException(JdbcUrls.mask(e.getMessage()));
        }
    }

    /** Fails within about 10 s with the host and port (never the password) when the server is unreachable. */
    void checkReachable(Server server) {
        try (Connection c = connect(server)) {
            c.isValid(5);
        } catch (SQLException e) {
            throw new ClusterException("cannot connect to PostgreSQL at " + server.hosts() + " ("
                    + JdbcUrls.mask(server.url()) + "): " + JdbcUrls.mask(e.getMessage())
                    + (timedOut(e) ? " (timed out: the server accepted the connection but did not answer)" : ""));
        }
    }

    /**
     * Whether the attempt ended on a timeout. pgjdbc words it by which limit struck first: the login
     * timeout says "timed out", the connect timeout (which also bounds the startup's reads) only
     * "The connection attempt failed", with the socket's timeout as its cause.
     */
    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException
                    || (t.getMessage() != null
                            && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("timed out"))) {
                return true;
            }
        }
        return false;
    }

    static Connection connect(Server server) throws SQLException {
        Properties props = new Properties();
        if (server.user() != null) {
            props.setProperty("user", server.user());
        }
        if (server.password() != null) {
            props.setProperty("password", server.password());
        }
        props.setProperty("connectTimeout", "5");
        props.setProperty("loginTimeout", "8");
        props.setProperty("socketTimeout", "0");
        return DriverManager.getConnection(server.url(), props);
    }

    /** The primary as the owner: migrations, seeding, status. */
    Server primary() {
        return primary;
    }

    /**
     * A server as the service role the application's pools log in as ({@code classbase_app}: owns
     * no table, so row-level security applies). Without one (external mode with no
     * CLASSBASE_APP_USER) the owner's credentials, and {@link #serviceRoleMissing()} says so.
     */
    Server asService(Server server) {
        if (serviceUser == null) {
            return server;
        }
        return new Server(server.name(), server.url(), serviceUser, servicePassword, server.hosts());
    }

    boolean serviceRoleMissing() {
        return serviceUser == null;
    }

    List<Server> replicas() {
        return replicas;
    }

    Optional<EmbeddedCluster> cluster() {
        return Optional.ofNullable(cluster);
    }

    boolean embeddedMode() {
        return cluster != null;
    }

    DataSource primaryDataSource() {
        return dataSource(primary);
    }

    static DataSource dataSource(Server server) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(server.url());
        ds.setUser(server.user());
        ds.setPassword(server.password());
        ds.setConnectTimeout(5);
        ds.setApplicationName("classbase-cli");
        return ds;
    }

    @Override
    public void close() {
        if (cluster != null) {
            cluster.close();
        }
    }
}
