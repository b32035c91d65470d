package dev.classbase.data;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/** The connection pools: one for the primary, one per replica. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DatabaseProperties.class)
class DataSourceConfig {
    private static final Logger log = LoggerFactory.getLogger(DataSourceConfig.class);

    @Bean(destroyMethod = "close")
    @Primary
    HikariDataSource primaryDataSource(DatabaseProperties properties) {
        return pool(properties.primary(), "primary", 20);
    }

    @Bean(destroyMethod = "close")
    ReplicaPools replicaPools(DatabaseProperties properties) {
        List<ReplicaPools.Replica> replicas = new ArrayList<>();
        int i = 1;
        for (DatabaseProperties.Server server : properties.replicas()) {
            String name = server.name() != null ? server.name() : "replica" + i;
            replicas.add(new ReplicaPools.Replica(name, pool(server, name, 20)));
            i++;
        }
        return new ReplicaPools(replicas);
    }

    static HikariDataSource pool(DatabaseProperties.Server server, String name, int size) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(server.url());
        config.setUsername(server.username());
        config.setPassword(server.password());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(2, size));
        config.setConnectionTimeout(5_000);
        // the pool starts even when a replica is down; the health check says so
        config.setInitializationFailTimeout(-1);
        config.addDataSourceProperty("ApplicationName", "classbase-" + name);
        config.addDataSourceProperty("connectTimeout", "5");
        log.info("pool {}: {} (max {} connections)", name, JdbcUrls.mask(server.url()), size);
        return new HikariDataSource(config);
    }
}
