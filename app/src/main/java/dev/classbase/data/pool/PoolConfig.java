package dev.classbase.data.pool;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.classbase.data.DatabaseProperties;
import dev.classbase.data.JdbcUrls;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The per-role pools, sized by {@link PoolPlanner}, with their metrics. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({DatabaseProperties.class, PoolProperties.class, PoolSizingProperties.class})
class PoolConfig {
    private static final Logger log = LoggerFactory.getLogger(PoolConfig.class);

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
        for (DatabaseProperties.Server server : database.namedReplicas()) {
            replicas.put(server.name(), pool(server, server.name(), planner.replica(), properties, registry));
            analyticsReplicas.put(
                    server.name(),
                    pool(server, "analytics-" + server.name(), planner.analytics(), properties, registry));
        }
        return new Pools(primary, replicas, analyticsPrimary, analyticsReplicas, monitoring);
    }

    private static HikariDataSource pool(
            DatabaseProperties.Server server,
            String name,
            PoolProperties.Role role,
            PoolProperties properties,
            MeterRegistry registry) {
        HikariConfig config = Pools.config(server, name, role, properties);
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
}
