package dev.classbase.ops.kernel;

import com.zaxxer.hikari.HikariDataSource;
import dev.classbase.data.DatabaseProperties;
import dev.classbase.data.pool.Pools;
import java.time.Duration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The console's connection sources: each a small pool of the primary's, its own, closed with the app. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConsoleProperties.class)
class ConsoleConfig {
    /**
     * How long a console read waits for one of the two connections: a few short diagnostics, so a
     * moment; past it the answer is 503 with Retry-After (the page retries) rather than a request
     * parked for HikariCP's 30 s default while more pile up behind it.
     */
    static final Duration WAIT = Duration.ofMillis(500);

    /**
     * The pool lives inside the console's bean, not as a DataSource bean of its own: another
     * DataSource bean would join the health indicators and anything injected by type.
     */
    @Bean(destroyMethod = "close")
    ConsoleDatabase consoleDatabase(DatabaseProperties database) {
        // diagnostics are few and short; two so a slow EXPLAIN does not block the checks
        HikariDataSource pool = Pools.sidePool(database.primary(), "console-primary", "classbase-console", 2, WAIT);
        return new ConsoleDatabase(pool, pool::close);
    }
}
