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
 *
 * <p>Only the primary can make the service DOWN (HTTP 503), and only it is in the readiness group
 * ({@code /actuator/health/readiness}, what a load balancer checks): reads fall back to the primary,
 * so a replica that is unreachable, not streaming, lagging or not a replica at all is DEGRADED
 * (HTTP 200) with {@code why}. One lost replica must not take every instance out of rotation.
 */
@Component
class DatabaseHealth implements SmartInitializingSingleton {
    static final String DEGRADED = "DEGRADED";
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
            ReplicaMonitor.Status status = monitor.status(name);
            boolean inRotation = status != null && status.inRotation();
            Health.Builder health;
            if (!info.inRecovery()) {
                health = degraded("not a replica: the server accepts writes (not in recovery); reads use the primary");
            } else if (!streaming) {
                health = degraded("not streaming from the primary (WAL receiver: "
                        + (info.receiverStatus() == null ? "none" : info.receiverStatus()) + ")");
            } else if (status != null && !inRotation) { // null: not polled yet
                health = degraded("out of rotation: " + status.reason());
            } else {
                health = Health.up();
            }
            return health.withDetail("inRecovery", info.inRecovery())
                    .withDetail("inRotation", inRotation)
                    .withDetail("rotation", status == null ? "not monitored" : status.reason())
                    .withDetail("state", info.receiverStatus() == null ? "not streaming" : info.receiverStatus())
                    .withDetail("receiveLsn", String.valueOf(info.receiveLsn()))
                    .withDetail("replayLsn", String.valueOf(info.replayLsn()))
                    .withDetail("lagBytes", info.lagBytes() == null ? -1 : info.lagBytes())
                    .withDetail("lagSeconds", info.lagSeconds() == null ? -1 : info.lagSeconds())
                    .build();
        } catch (SQLException e) {
            return degraded("unreachable; reads use the primary")
                    .withDetail("error", JdbcUrls.mask(e.getMessage()))
                    .withDetail("inRotation", false)
                    .build();
        }
    }

    private static Health.Builder degraded(String why) {
        return Health.status(DEGRADED).withDetail("why", why);
    }
}
