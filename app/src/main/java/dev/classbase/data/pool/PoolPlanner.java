package dev.classbase.data.pool;

import dev.classbase.data.DatabaseProperties;
import dev.classbase.data.JdbcUrls;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the configured pool sizes into the sizes used. A size left at 0 comes from the pool
 * calculator ({@link PoolSizing}: HikariCP's cores x 2 + spindles, Little's law on the expected load,
 * the connection budget, threads per worker; the same rules as {@code ./classbase pool-size}). A size set by hand
 * above the server's connection budget is clamped with a warning that names the setting.
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

    static PoolPlanner forPrimary(
            DatabaseProperties.Server server, PoolProperties properties, PoolSizingProperties sizing) {
        return plan(maxConnections(server), Runtime.getRuntime().availableProcessors(), properties, sizing);
    }

    static PoolPlanner plan(int serverConnections, int cores, PoolProperties properties, PoolSizingProperties sizing) {
        int reserved = Math.min(sizing.reservedConnections(), Math.max(0, serverConnections - 2));
        PoolInputs inputs = new PoolInputs(
                cores,
                sizing.instances(),
                serverConnections,
                reserved,
                sizing.safetyMargin(),
                sizing.expectedRps(),
                sizing.meanQueryMillis(),
                1,
                1,
                8);
        PoolPlan plan = PoolSizing.plan(inputs);
        RolePools roles = RolePools.of(inputs, plan);
        int budget = PoolSizing.budget(inputs);
        log.info(
                "pool sizes from the calculator: max {} min {} ({}: {})",
                plan.maximumPoolSize(),
                plan.minimumIdle(),
                plan.chosenRule(),
                plan.why());
        PoolProperties.Role a = sized("analytics", properties.analytics(), roles.analytics(), budget);
        PoolProperties.Role p = sized("primary", properties.primary(), roles.primary(), budget - a.maxSize());
        PoolProperties.Role r = sized("replica", properties.replica(), roles.replica(), budget - a.maxSize());
        return new PoolPlanner(p, r, a);
    }

    /** The primary's connection budget, asked once at start: pools never exceed it. */
    private static int maxConnections(DatabaseProperties.Server server) {
        try (Connection c = DriverManager.getConnection(server.url(), server.username(), server.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_setting('max_connections')::int")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            log.warn(
                    "could not read max_connections from the primary ({}); assuming 100",
                    JdbcUrls.mask(e.getMessage()));
            return 100;
        }
    }

    private static PoolProperties.Role sized(
            String name, PoolProperties.Role configured, RolePools.Pool calculated, int budget) {
        int max = configured.maxSize() > 0 ? configured.maxSize() : calculated.maximumPoolSize();
        if (max > Math.max(1, budget)) {
            log.warn(
                    "classbase.pools.{}.max-size={} is above this instance's share of the server's connections ({}); "
                            + "using {}",
                    name,
                    max,
                    budget,
                    Math.max(1, budget));
            max = Math.max(1, budget);
        }
        int min = configured.minIdle() >= 0
                ? Math.min(configured.minIdle(), max)
                : Math.min(calculated.minimumIdle(), max);
        return new PoolProperties.Role(max, min, configured.connectionTimeout(), configured.statementTimeout());
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
