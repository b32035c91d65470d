package dev.classbase.ops.explain;

import com.zaxxer.hikari.HikariDataSource;
import dev.classbase.data.DatabaseProperties;
import dev.classbase.data.pool.Pools;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** EXPLAIN's connection source: a small pool of the primary's, its own, closed with the app. */
@Configuration(proxyBeanMethods = false)
class ExplainConfig {
    /**
     * EXPLAIN's connections: a pool of its own, each connection evicted after one EXPLAIN, so
     * whatever session state a statement left (a lock, a setting) leaves with it.
     */
    @Bean(destroyMethod = "close")
    ExplainSandbox explainSandbox(DatabaseProperties database) {
        HikariDataSource pool = Pools.sidePool(
                database.primary(), "console-explain", "classbase-console-explain", ExplainSandbox.PERMITS);
        return new ExplainSandbox(pool, ExplainSandbox.PERMITS, pool::close);
    }
}
