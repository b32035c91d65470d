package dev.classbase.data;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the configured pool sizes into the sizes used: a size left at 0 comes from HikariCP's
 * guidance (cores x 2 + 1 effective spindle, at least 10 so a burst of requests does not queue on a
 * small machine), and no server is promised more connections than it has, minus a 20 % margin for
 * migrations, monitoring and operators (seed 001's budget rule).
 */
final class PoolPlanner {
    private static final Logger log = LoggerFactory.getLogger(PoolPlanner.class);

    private final PoolProperties.Role primary;
    private final PoolProperties.Role replica;
    private final PoolProperties.Role analytics;

    private PoolPlanner(PoolProperties.Role primary, PoolProperties.Role replica, PoolProperties.Role analytics) {
        this.primary = primary;
        this.replica = replica;
        this.analytics = analytics;
    }

    static PoolPlanner forPrimary(DatabaseProperties.Server server, PoolProperties properties) {
        return plan(
                DataSourceConfig.maxConnections(server), Runtime.getRuntime().availableProcessors(), properties);
    }

    static PoolPlanner plan(int serverConnections, int cores, PoolProperties properties) {
        int guidance = Math.max(10, cores * 2 + 1);
        int analyticsDefault = Math.max(2, cores / 2);
        int budget = Math.max(2, (int) Math.floor(serverConnections * 0.8));
        PoolProperties.Role p = sized(properties.primary(), guidance);
        PoolProperties.Role r = sized(properties.replica(), guidance);
        PoolProperties.Role a = sized(properties.analytics(), analyticsDefault);
        // one server carries its role pool plus the analytics pool and a monitoring connection
        if (p.maxSize() + a.maxSize() + 1 > budget) {
            int analyticsMax = Math.max(1, Math.min(a.maxSize(), budget / 4));
            int primaryMax = Math.max(1, budget - analyticsMax - 1);
            log.warn(
                    "classbase.pools: primary ({}) + analytics ({}) exceed the server's budget of {} connections "
                            + "(80 % of max_connections); clamped to {} + {}",
                    p.maxSize(), a.maxSize(), budget, primaryMax, analyticsMax);
            p = resize(p, primaryMax);
            r = resize(r, Math.min(r.maxSize(), primaryMax));
            a = resize(a, analyticsMax);
        }
        return new PoolPlanner(p, r, a);
    }

    private static PoolProperties.Role sized(PoolProperties.Role role, int fallback) {
        int max = role.maxSize() > 0 ? role.maxSize() : fallback;
        int min = role.minIdle() >= 0 ? Math.min(role.minIdle(), max) : Math.min(2, max);
        return new PoolProperties.Role(max, min, role.connectionTimeout(), role.statementTimeout());
    }

    private static PoolProperties.Role resize(PoolProperties.Role role, int max) {
        return new PoolProperties.Role(
                max, Math.min(role.minIdle(), max), role.connectionTimeout(), role.statementTimeout());
    }

    PoolProperties.Role primary() {
        return primary;
    }

    PoolProperties.Role replica() {
        return replica;
    }

    PoolProperties.Role analytics() {
        return analytics;
    }
}
