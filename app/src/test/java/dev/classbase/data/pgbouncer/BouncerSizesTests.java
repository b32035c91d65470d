package dev.classbase.data.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.data.pool.PoolInputs;
import dev.classbase.data.pool.PoolSizing;
import dev.classbase.data.pool.RolePools;
import org.junit.jupiter.api.Test;

class BouncerSizesTests {

    /** cores, instances, max_connections, reserved, margin, tx/s, ms, spindles, workers, threads */
    private static PoolInputs inputs(
            int cores, int instances, int max, int reserved, double margin, double rps, double ms, int spindles) {
        return new PoolInputs(cores, instances, max, reserved, margin, rps, ms, spindles, 1, 8);
    }

    @Test
    void pgBouncerSizesFitTheDatabaseBudget() {
        // 8 cores, 4 instances, max_connections 200 - 10 reserved, x 0.8 = 152; 2000 tx/s x 5 ms = 10 in flight
        PoolInputs in = inputs(8, 4, 200, 10, 0.8, 2000, 5, 1);
        BouncerSizes sizes = BouncerSizes.of(in, 1);
        assertThat(sizes.maxDbConnections()).isEqualTo(152);
        assertThat(sizes.defaultPoolSize()).isEqualTo(17); // max(8 x 2 + 1, 10)
        assertThat(sizes.minPoolSize()).isEqualTo(10);
        assertThat(sizes.reservePoolSize()).isEqualTo(5); // ceil(17 / 4)
        assertThat(sizes.defaultPoolSize() + sizes.reservePoolSize()).isLessThanOrEqualTo(sizes.maxDbConnections());
        assertThat(sizes.maxClientConn()).isEqualTo(100); // 2 x 4 x (5 + 4) + 20 = 92, below the default
        PoolInputs many = inputs(8, 20, 1000, 10, 0.8, 2000, 5, 1);
        RolePools roles = PoolSizing.roles(many);
        int perInstance = roles.primary().maximumPoolSize() + roles.analytics().maximumPoolSize();
        assertThat(BouncerSizes.of(many, 1).maxClientConn()).isEqualTo(2 * 20 * perInstance + 20);
        // a tiny server: everything within its budget of (20 - 10) x 0.5 = 5
        BouncerSizes tiny = BouncerSizes.of(inputs(32, 1, 20, 10, 0.5, 10000, 10, 1), 1);
        assertThat(tiny.maxDbConnections()).isEqualTo(5);
        assertThat(tiny.defaultPoolSize()).isEqualTo(5);
        assertThat(tiny.reservePoolSize()).isZero();
        assertThat(BouncerSizes.of(in, 2).maxDbConnections()).isEqualTo(76);
    }
}
