package dev.classbase.ops.console;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.classbase.data.DatabaseProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The console's connection source: two connections to the primary, its own, closed with the app. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConsoleProperties.class)
class ConsoleConfig {

    /**
     * The pool lives inside the console's bean, not as a DataSource bean of its own: another
     * DataSource bean would join the health indicators and anything injected by type.
     */
    @Bean(destroyMethod = "close")
    ConsoleDatabase consoleDatabase(DatabaseProperties database) {
        DatabaseProperties.Server primary = database.primary();
        HikariConfig config = new HikariConfig();
        config.setPoolName("console-primary");
        config.setJdbcUrl(primary.url());
        config.setUsername(primary.username());
        config.setPassword(primary.password());
        // diagnostics are few and short; two so a slow EXPLAIN does not block the checks
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(5_000);
        // the pool starts even when the primary is down; the checks say so
        config.setInitializationFailTimeout(-1);
        config.addDataSourceProperty("ApplicationName", "classbase-console");
        config.addDataSourceProperty("connectTimeout", "5");
        HikariDataSource pool = new HikariDataSource(config);
        return new ConsoleDatabase(pool, pool::close);
    }
}
