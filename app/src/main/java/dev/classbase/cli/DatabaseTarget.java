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

    private DatabaseTarget(Server primary, List<Server> replicas, EmbeddedCluster cluster) {
        this.primary = primary;
        this.replicas = replicas;
        this.cluster = cluster;
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
        return new DatabaseTarget(server(cluster.primary()), replicas, cluster);
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
        DatabaseTarget target = new DatabaseTarget(primary, replicas, null);
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
                    + JdbcUrls.mask(server.url()) + "): " + JdbcUrls.mask(e.getMessage()));
        }
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

    Server primary() {
        return primary;
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
