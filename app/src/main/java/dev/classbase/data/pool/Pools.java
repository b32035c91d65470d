package dev.classbase.data.pool;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.classbase.data.DatabaseProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every connection pool of the data tier, by role; closed with the application. */
public final class Pools implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Pools.class);

    private final HikariDataSource primary;
    private final Map<String, HikariDataSource> replicas;
    private final HikariDataSource analyticsPrimary;
    private final Map<String, HikariDataSource> analyticsReplicas;
    private final List<HikariDataSource> monitoring;
    private final AtomicLong lastEviction = new AtomicLong();
    // each pool's configured minimum idle, restored when a replica rejoins the rotation
    private final Map<HikariDataSource, Integer> configuredMinIdle = new java.util.concurrent.ConcurrentHashMap<>();

    Pools(
            HikariDataSource primary,
            Map<String, HikariDataSource> replicas,
            HikariDataSource analyticsPrimary,
            Map<String, HikariDataSource> analyticsReplicas,
            List<HikariDataSource> monitoring) {
        this.primary = primary;
        this.replicas = new LinkedHashMap<>(replicas);
        this.analyticsPrimary = analyticsPrimary;
        this.analyticsReplicas = new LinkedHashMap<>(analyticsReplicas);
        this.monitoring = List.copyOf(monitoring);
    }

    public HikariDataSource primary() {
        return primary;
    }

    public Map<String, HikariDataSource> replicas() {
        return replicas;
    }

    public HikariDataSource analyticsPrimary() {
        return analyticsPrimary;
    }

    public Map<String, HikariDataSource> analyticsReplicas() {
        return analyticsReplicas;
    }

    /** Every application pool (not the monitor's), for the console and metrics. */
    public List<HikariDataSource> all() {
        List<HikariDataSource> all = new ArrayList<>();
        all.add(primary);
        all.addAll(replicas.values());
        all.add(analyticsPrimary);
        all.addAll(analyticsReplicas.values());
        return all;
    }

    /**
     * Retires the primary pools' connections (in-use ones when returned): after a failover the
     * old connections point at a server that is gone or read-only. At most once a second.
     */
    public void evictPrimary(String why) {
        long now = System.nanoTime();
        long last = lastEviction.get();
        if (now - last < 1_000_000_000L || !lastEviction.compareAndSet(last, now)) {
            return;
        }
        log.warn("evicting the primary pools' connections ({})", why);
        if (primary.getHikariPoolMXBean() != null) {
            primary.getHikariPoolMXBean().softEvictConnections();
        }
        if (analyticsPrimary.getHikariPoolMXBean() != null) {
            analyticsPrimary.getHikariPoolMXBean().softEvictConnections();
        }
    }

    /**
     * Retires a replica's connections (in-use ones when returned), in its request and analytics
     * pools: its URL reached a primary, as a promoted standby does after a failover.
     */
    public void evictReplica(String name) {
        for (HikariDataSource pool : new HikariDataSource[] {replicas.get(name), analyticsReplicas.get(name)}) {
            if (pool != null && pool.getHikariPoolMXBean() != null) {
                pool.getHikariPoolMXBean().softEvictConnections();
            }
        }
    }

    /**
     * A replica left the read rotation: its pools stop keeping idle connections to it. While a pool
     * is short of its minimum, HikariCP keeps connecting, sleeping between failures twice as long
     * each time up to 5 s; after a long outage that sleep would outlast the replica's return and hold
     * its first reads. With no minimum and no reads routed there the attempts end; the first read
     * after its return connects at once.
     */
    public void rest(String name) {
        for (HikariDataSource pool : replicaPools(name)) {
            configuredMinIdle.putIfAbsent(pool, pool.getMinimumIdle());
            pool.getHikariConfigMXBean().setMinimumIdle(0);
        }
    }

    /** A replica is back in the read rotation: its pools keep their minimum of idle connections again. */
    public void wake(String name) {
        for (HikariDataSource pool : replicaPools(name)) {
            Integer minIdle = configuredMinIdle.remove(pool);
            if (minIdle != null) {
                pool.getHikariConfigMXBean().setMinimumIdle(minIdle);
            }
        }
    }

    private List<HikariDataSource> replicaPools(String name) {
        List<HikariDataSource> found = new ArrayList<>(2);
        for (HikariDataSource pool : new HikariDataSource[] {replicas.get(name), analyticsReplicas.get(name)}) {
            if (pool != null && !pool.isClosed()) {
                found.add(pool);
            }
        }
        return found;
    }

    @Override
    public void close() {
        all().forEach(HikariDataSource::close);
        monitoring.forEach(HikariDataSource::close);
    }

    /**
     * A small pool of a tool's own beside the application's (the console, the alert evaluator), so
     * a full request pool never blinds it. It starts even when the server is down (the tool says
     * so), and a connection attempt gives up after 5 s.
     */
    public static HikariDataSource sidePool(
            DatabaseProperties.Server server, String poolName, String applicationName, int size) {
        return sidePool(server, poolName, applicationName, size, Duration.ofSeconds(5));
    }

    /** As above; a caller waits at most {@code wait} for a connection (HikariCP's floor: 250 ms). */
    public static HikariDataSource sidePool(
            DatabaseProperties.Server server, String poolName, String applicationName, int size, Duration wait) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName);
        config.setJdbcUrl(server.url());
        config.setUsername(server.username());
        config.setPassword(server.password());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(Math.max(250, wait.toMillis()));
        config.setInitializationFailTimeout(-1);
        config.addDataSourceProperty("ApplicationName", applicationName);
        config.addDataSourceProperty("connectTimeout", "5");
        return new HikariDataSource(config);
    }

    /**
     * The replica monitor's one connection to a server, opened again on the next poll after a
     * failure. Not a pool: a pool's connection attempts back off (HikariCP: up to 5 s) while a poll
     * waits, so a server that returns would be seen seconds late. {@code timeout} bounds connecting.
     */
    public static org.springframework.jdbc.datasource.SingleConnectionDataSource monitorConnection(
            DatabaseProperties.Server server, String name, Duration timeout, PoolProperties properties) {
        var source = new org.springframework.jdbc.datasource.SingleConnectionDataSource(
                server.url(), server.username(), server.password(), true);
        java.util.Properties connection = new java.util.Properties();
        String seconds = Long.toString(Math.max(1, (timeout.toMillis() + 999) / 1000));
        connection.setProperty("ApplicationName", "classbase-" + name);
        connection.setProperty("connectTimeout", seconds);
        connection.setProperty("loginTimeout", seconds);
        connection.setProperty("tcpKeepAlive", "true");
        if (properties.pgbouncer()) {
            connection.setProperty("prepareThreshold", "0");
        }
        source.setConnectionProperties(connection);
        return source;
    }

    static HikariConfig config(
            DatabaseProperties.Server server, String name, PoolProperties.Role role, PoolProperties properties) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(server.url());
        config.setUsername(server.username());
        config.setPassword(server.password());
        config.setMaximumPoolSize(role.maxSize());
        config.setMinimumIdle(Math.max(0, Math.min(role.minIdle(), role.maxSize())));
        config.setConnectionTimeout(role.connectionTimeout().toMillis());
        // the pool starts even when a server is down; health and the monitor say so
        config.setInitializationFailTimeout(-1);
        config.addDataSourceProperty("ApplicationName", "classbase-" + name);
        config.addDataSourceProperty("connectTimeout", "5");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        if (properties.pgbouncer()) {
            // PgBouncer < 1.21 in transaction mode cannot keep server-side prepared statements
            config.addDataSourceProperty("prepareThreshold", "0");
        } else if (role.statementTimeout() != null) {
            config.addDataSourceProperty(
                    "options", "-c statement_timeout=" + role.statementTimeout().toMillis());
        }
        return config;
    }
}
