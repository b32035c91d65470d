package dev.classbase.data.replicas;

import dev.classbase.data.DatabaseProperties;
import dev.classbase.data.pool.PoolProperties;
import dev.classbase.data.pool.Pools;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The replica monitor, on one connection of its own per server, opened within a poll's timeout. */
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
        Duration connect = routing.pollTimeout();
        DataSource primary = Pools.monitorConnection(database.primary(), "monitor-primary", connect, properties);
        List<ReplicaMonitor.Target> targets = new ArrayList<>();
        for (DatabaseProperties.Server server : database.namedReplicas()) {
            targets.add(new ReplicaMonitor.Target(
                    server.name(), Pools.monitorConnection(server, "monitor-" + server.name(), connect, properties)));
        }
        return new ReplicaMonitor(primary, targets, routing, registry, new ReplicaMonitor.ReplicaPools() {
            @Override
            public void reconnect(String name) {
                pools.evictReplica(name);
            }

            @Override
            public void rest(String name) {
                pools.rest(name);
            }

            @Override
            public void wake(String name) {
                pools.wake(name);
            }
        });
    }
}
