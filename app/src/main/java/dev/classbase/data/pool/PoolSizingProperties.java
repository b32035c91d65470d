package dev.classbase.data.pool;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What the pool calculator ({@code ./classbase pool-size}) needs to size pools left at 0: how many
 * app instances share the database, the expected transactions per second and their mean time.
 * max_connections is read from the primary at start.
 */
@ConfigurationProperties("classbase.pools.sizing")
public record PoolSizingProperties(
        int instances, double expectedRps, double meanQueryMillis, int reservedConnections, double safetyMargin) {

    public PoolSizingProperties {
        instances = instances <= 0 ? 1 : instances;
        expectedRps = expectedRps <= 0 ? 1000 : expectedRps;
        meanQueryMillis = meanQueryMillis <= 0 ? 5 : meanQueryMillis;
        reservedConnections = reservedConnections <= 0 ? 10 : reservedConnections;
        safetyMargin = safetyMargin <= 0 || safetyMargin > 1 ? 0.8 : safetyMargin;
    }

    public static PoolSizingProperties defaults() {
        return new PoolSizingProperties(0, 0, 0, 0, 0);
    }
}
