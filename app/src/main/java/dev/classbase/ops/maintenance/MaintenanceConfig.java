package dev.classbase.ops.maintenance;

import com.zaxxer.hikari.HikariDataSource;
import dev.classbase.data.pool.Pools;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The server's maintenance: on the analytics pool of the primary (long statements stay off the
 * request pool), as the service role; the backup connects with the primary pool's credentials.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MaintenanceProperties.class)
class MaintenanceConfig {
    @Bean
    Maintenance maintenance(Pools pools, MaintenanceProperties properties) {
        HikariDataSource primary = pools.primary();
        Login login = new Login(primary.getJdbcUrl(), primary.getUsername(), primary.getPassword());
        return new Maintenance(pools.analyticsPrimary(), login, properties, Clock.systemUTC());
    }
}
