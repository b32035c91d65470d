package dev.classbase.data.routing;

import com.zaxxer.hikari.HikariDataSource;
import dev.classbase.data.consistency.FetchTracking;
import dev.classbase.data.pool.Pools;
import dev.classbase.data.replicas.ReplicaMonitor;
import dev.classbase.data.watch.QueryWatch;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;

/**
 * The data sources features use: the routing one (writes to the primary, read-only transactions to
 * a caught-up replica, connection taken at the first statement) and the analytics one.
 */
@Configuration(proxyBeanMethods = false)
class RoutingConfig {

    /** Writes and read-write transactions: the primary. Read-only transactions: the replica router. */
    @Bean
    @Primary
    DataSource dataSource(Pools pools, ReplicaMonitor monitor, QueryWatch watch, MeterRegistry registry) {
        List<ReplicaRouter.Replica> replicas = new ArrayList<>();
        pools.replicas().forEach((name, pool) -> replicas.add(gated(name, watch.wrap(name, pool), pool)));
        DataSource primary = watch.wrap("primary", pools.primary());
        ReplicaRouter router = new ReplicaRouter("app", primary, replicas, monitor, registry);
        LazyConnectionDataSourceProxy lazy = new LazyConnectionDataSourceProxy(new FetchTracking(primary));
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
}
