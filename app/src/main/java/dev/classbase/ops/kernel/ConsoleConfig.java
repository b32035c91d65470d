package dev.classbase.ops.kernel;

import com.zaxxer.hikari.HikariDataSource;
import dev.classbase.data.DatabaseProperties;
import dev.classbase.data.Pools;
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
        // diagnostics are few and short; two so a slow EXPLAIN does not block the checks
        HikariDataSource pool = Pools.sidePool(database.primary(), "console-primary", "classbase-console", 2);
        return new ConsoleDatabase(pool, pool::close);
    }
}
