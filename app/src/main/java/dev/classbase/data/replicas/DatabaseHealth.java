package dev.classbase.data.replicas;

import dev.classbase.data.JdbcUrls;
import dev.classbase.data.pool.Pools;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.stereotype.Component;

/**
 * Health components {@code primary} (version, not in recovery) and one per replica ({@code
 * replica1}, ...: streaming state and lag in bytes and seconds behind the primary).
 */
@Component
class DatabaseHealth implements SmartInitializingSingleton {
    private final DataSource primary;
    private final Pools pools;
    private final ReplicaMonitor monitor;
    private final HealthContributorRegistry registry;

    DatabaseHealth(Pools pools, ReplicaMonitor monitor, HealthContributorRegistry registry) {
        this.primary = pools.primary();
        this.pools = pools;
        this.monitor = monitor;
        this.registry = registry;
    }

    @Override
    public void afterSingletonsInstantiated() {
        registry.registerContributor("primary", (HealthIndicator) this::primaryHealth);
        pools.replicas()
                .forEach((name, pool) ->
                        registry.registerContributor(name, (HealthIndicator) () -> replicaHealth(name, pool)));
    }

    private Health primaryHealth() {
        try {
            ReplicationQueries.ServerInfo info = ReplicationQueries.server(primary);
            Health.Builder health = info.inRecovery() ? Health.down() : Health.up();
            return health.withDetail("version", info.version())
                    .withDetail("inRecovery", info.inRecovery())
                    .withDetail("walLsn", info.currentLsn())
                    .build();
        } catch (SQLException e) {
            return Health.down()
                    .withDetail("error", JdbcUrls.mask(e.getMessage()))
                    .build();
        }
    }

    private Health replicaHealth(String name, DataSource replica) {
        String primaryLsn = null;
        try {
            primaryLsn = ReplicationQueries.server(primary).currentLsn();
        } catch (SQLException e) {
            // lag in bytes is unknown without the primary; the rest is still worth reporting
        }
        try {
            ReplicationQueries.ReplicaInfo info = ReplicationQueries.replica(replica, primaryLsn);
            boolean streaming = info.inRecovery() && "streaming".equals(info.receiverStatus());
            Health.Builder health = !info.inRecovery()
                    ? Health.down().withDetail("error", "not in recovery: this server is a primary")
                    : streaming ? Health.up() : Health.status("DEGRADED");
            ReplicaMonitor.Status status = monitor.status(name);
            return health.withDetail("inRecovery", info.inRecovery())
                    .withDetail("inRotation", status != null && status.inRotation())
                    .withDetail("rotation", status == null ? "not monitored" : status.reason())
                    .withDetail("state", info.receiverStatus() == null ? "not streaming" : info.receiverStatus())
                    .withDetail("receiveLsn", String.valueOf(info.receiveLsn()))
                    .withDetail("replayLsn", String.valueOf(info.replayLsn()))
                    .withDetail("lagBytes", info.lagBytes() == null ? -1 : info.lagBytes())
                    .withDetail("lagSeconds", info.lagSeconds() == null ? -1 : info.lagSeconds())
                    .build();
        } catch (SQLException e) {
            return Health.down()
                    .withDetail("error", JdbcUrls.mask(e.getMessage()))
                    .build();
        }
    }
}
