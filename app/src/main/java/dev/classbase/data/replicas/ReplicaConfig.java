package dev.classbase.data.replicas;

import com.zaxxer.hikari.HikariDataSource;
import dev.classbase.data.DatabaseProperties;
import dev.classbase.data.pool.PoolProperties;
import dev.classbase.data.pool.Pools;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The replica monitor, on one-connection pools of its own whose waits are bounded by a poll's timeout. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RoutingProperties.class)
class ReplicaConfig {

    @Bean
    ReplicaMonitor replicaMonitor(
            DatabaseProperties database,
            PoolProperties properties,
            RoutingProperties routing,
            MeterRegistry registry,
            Pools pools) {
        PoolProperties.Role monitorRole =
                new PoolProperties.Role(1, 0, routing.pollTimeout().multipliedBy(2), routing.pollTimeout());
        HikariDataSource primary = Pools.monitorPool(database.primary(), "monitor-primary", monitorRole, properties);
        List<ReplicaMonitor.Target> targets = new ArrayList<>();
        for (DatabaseProperties.Server server : database.namedReplicas()) {
            targets.add(new ReplicaMonitor.Target(
                    server.name(), Pools.monitorPool(server, "monitor-" + server.name(), monitorRole, properties)));
        }
        return new ReplicaMonitor(primary, targets, routing, registry, pools::evictReplica);
    }
}
