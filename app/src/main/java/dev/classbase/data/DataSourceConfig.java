package dev.classbase.data;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.classbase.data.watch.QueryWatch;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.aopalliance.aop.Advice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.Advisor;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.context.annotation.Role;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;

/**
 * The data tier's wiring: per-role pools, the routing data source (writes to the primary,
 * read-only transactions to a caught-up replica, connection taken at the first statement), the
 * analytics data source, the replica monitor, and the retry/failover advice around transactions.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({
    DatabaseProperties.class,
    PoolProperties.class,
    PoolSizingProperties.class,
    RoutingProperties.class
})
@EnableTransactionManagement(proxyTargetClass = true, order = DataSourceConfig.TRANSACTION_ORDER)
class DataSourceConfig {
    /** Retry/failover runs outside the transaction; the commit capture inside it. */
    static final int TRANSACTION_ORDER = 100;

    private static final Logger log = LoggerFactory.getLogger(DataSourceConfig.class);

    @Bean(destroyMethod = "close")
    Pools pools(
            DatabaseProperties database,
            PoolProperties properties,
            PoolSizingProperties sizing,
            MeterRegistry registry) {
        PoolPlanner planner = PoolPlanner.forPrimary(database.primary(), properties, sizing);
        HikariDataSource primary = pool(database.primary(), "primary", planner.primary(), properties, registry);
        HikariDataSource analyticsPrimary =
                pool(database.primary(), "analytics-primary", planner.analytics(), properties, registry);
        Map<String, HikariDataSource> replicas = new LinkedHashMap<>();
        Map<String, HikariDataSource> analyticsReplicas = new LinkedHashMap<>();
        List<HikariDataSource> monitoring = new ArrayList<>();
        for (DatabaseProperties.Server server : namedReplicas(database)) {
            replicas.put(server.name(), pool(server, server.name(), planner.replica(), properties, registry));
            analyticsReplicas.put(
                    server.name(),
                    pool(server, "analytics-" + server.name(), planner.analytics(), properties, registry));
        }
        return new Pools(primary, replicas, analyticsPrimary, analyticsReplicas, monitoring);
    }

    @Bean
    ReplicaMonitor replicaMonitor(
            DatabaseProperties database, PoolProperties properties, RoutingProperties routing, MeterRegistry registry) {
        PoolProperties.Role monitorRole =
                new PoolProperties.Role(1, 0, routing.pollTimeout().multipliedBy(2), routing.pollTimeout());
        HikariDataSource primary = monitorPool(database.primary(), "monitor-primary", monitorRole, properties);
        List<ReplicaMonitor.Target> targets = new ArrayList<>();
        for (DatabaseProperties.Server server : namedReplicas(database)) {
            targets.add(new ReplicaMonitor.Target(
                    server.name(), monitorPool(server, "monitor-" + server.name(), monitorRole, properties)));
        }
        return new ReplicaMonitor(primary, targets, routing, registry);
    }

    /** Writes and read-write transactions: the primary. Read-only transactions: the replica router. */
    @Bean
    @Primary
    DataSource dataSource(Pools pools, ReplicaMonitor monitor, QueryWatch watch, MeterRegistry registry) {
        List<ReplicaRouter.Replica> replicas = new ArrayList<>();
        pools.replicas().forEach((name, pool) -> replicas.add(gated(name, watch.wrap(name, pool), pool)));
        DataSource primary = watch.wrap("primary", pools.primary());
        ReplicaRouter router = new ReplicaRouter("app", primary, replicas, monitor, registry);
        LazyConnectionDataSourceProxy lazy =
                new LazyConnectionDataSourceProxy(new ConsistencyTransactionManager.FetchTracking(primary));
        lazy.setReadOnlyDataSource(router);
        return lazy;
    }

    /** Long reports: replicas first, their own small pools and a longer statement timeout. */
    @Bean
    @Qualifier("analytics")
    DataSource analyticsDataSource(Pools pools, ReplicaMonitor monitor, QueryWatch watch, MeterRegistry registry) {
        List<ReplicaRouter.Replica> replicas = new ArrayList<>();
        pools.analyticsReplicas()
                .forEach((name, pool) -> replicas.add(gated(name, watch.wrap("analytics-" + name, pool), pool)));
        return new ReplicaRouter(
                "analytics", watch.wrap("analytics-primary", pools.analyticsPrimary()), replicas, monitor, registry);
    }

    /** A replica's watched pool behind a gate as wide as the pool, waiting as long as the pool would. */
    private static ReplicaRouter.Replica gated(String name, DataSource watched, HikariDataSource pool) {
        return new ReplicaRouter.Replica(
                name,
                watched,
                new ReplicaGate(pool.getMaximumPoolSize(), Duration.ofMillis(pool.getConnectionTimeout())));
    }

    @Bean
    @Primary
    JdbcClient jdbcClient(DataSource dataSource) {
        return JdbcClient.create(dataSource);
    }

    @Bean
    @Qualifier("analytics")
    JdbcClient analyticsJdbcClient(@Qualifier("analytics") DataSource analytics) {
        return JdbcClient.create(analytics);
    }

    @Bean
    PlatformTransactionManager transactionManager(DataSource dataSource) {
        return new ConsistencyTransactionManager(dataSource);
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static Advisor transactionRetryAdvisor(
            ObjectProvider<Pools> pools,
            ObjectProvider<ReplicaMonitor> monitor,
            ObjectProvider<MeterRegistry> registry) {
        // providers: advisors are created before the beans they use
        return advisor(
                new TransactionRetryInterceptor(pools::getObject, monitor::getObject, registry::getObject),
                TRANSACTION_ORDER - 50);
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static Advisor commitCaptureAdvisor(ObjectProvider<DataSource> dataSource) {
        return advisor(new TransactionRetryInterceptor.CommitCapture(dataSource::getObject), TRANSACTION_ORDER + 50);
    }

    private static Advisor advisor(Advice advice, int order) {
        ComposablePointcut pointcut = new ComposablePointcut(new AnnotationMatchingPointcut(Transactional.class, true))
                .union(AnnotationMatchingPointcut.forMethodAnnotation(Transactional.class))
                .union(new AnnotationMatchingPointcut(RetryableTransaction.class, true))
                .union(AnnotationMatchingPointcut.forMethodAnnotation(RetryableTransaction.class));
        DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(pointcut, advice);
        advisor.setOrder(order);
        return advisor;
    }

    private static List<DatabaseProperties.Server> namedReplicas(DatabaseProperties database) {
        List<DatabaseProperties.Server> named = new ArrayList<>();
        int i = 1;
        for (DatabaseProperties.Server s : database.replicas()) {
            named.add(new DatabaseProperties.Server(
                    s.name() != null ? s.name() : "replica" + i, s.url(), s.username(), s.password()));
            i++;
        }
        return named;
    }

    static HikariDataSource pool(
            DatabaseProperties.Server server,
            String name,
            PoolProperties.Role role,
            PoolProperties properties,
            MeterRegistry registry) {
        HikariConfig config = config(server, name, role, properties);
        config.setMetricRegistry(registry);
        log.info(
                "pool {}: {} (max {}, min idle {}, wait {} ms, statement timeout {})",
                name,
                JdbcUrls.mask(server.url()),
                role.maxSize(),
                role.minIdle(),
                role.connectionTimeout().toMillis(),
                role.statementTimeout());
        return new HikariDataSource(config);
    }

    private static HikariDataSource monitorPool(
            DatabaseProperties.Server server, String name, PoolProperties.Role role, PoolProperties properties) {
        return new HikariDataSource(config(server, name, role, properties));
    }

    private static HikariConfig config(
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

    /** The primary's connection budget, asked once at start: pools never exceed it. */
    static int maxConnections(DatabaseProperties.Server server) {
        try (Connection c = java.sql.DriverManager.getConnection(server.url(), server.username(), server.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_setting('max_connections')::int")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            log.warn(
                    "could not read max_connections from the primary ({}); assuming 100",
                    JdbcUrls.mask(e.getMessage()));
            return 100;
        }
    }
}
