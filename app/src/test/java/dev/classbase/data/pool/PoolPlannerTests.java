package dev.classbase.data.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Pool sizes: from the calculator when unset, clamped with a warning when set beyond reason. */
class PoolPlannerTests {

    @Test
    void unsetSizesComeFromTheCalculatorAndFitTheServer() {
        PoolPlanner plan = PoolPlanner.plan(100, 2, props(0, 0, 0), PoolSizingProperties.defaults());
        // HikariCP's guidance for 2 cores and an SSD: 2 x 2 + 1 = 5
        assertThat(plan.primary().maxSize()).isEqualTo(5);
        assertThat(plan.replica().maxSize()).isEqualTo(5);
        assertThat(plan.analytics().maxSize()).isEqualTo(2);
        assertThat(plan.primary().minIdle()).isBetween(1, 5);
    }

    @Test
    void sizesAboveTheServersBudgetAreClamped() {
        // 50 connections, 10 reserved, 80 %: a budget of 32 for primary + analytics on one server
        PoolPlanner plan = PoolPlanner.plan(50, 2, props(500, 400, 3), PoolSizingProperties.defaults());
        assertThat(plan.analytics().maxSize()).isEqualTo(3);
        assertThat(plan.primary().maxSize() + plan.analytics().maxSize()).isLessThanOrEqualTo(32);
        assertThat(plan.replica().maxSize()).isLessThanOrEqualTo(32);
    }

    @Test
    void minIdleAboveMaxIsClampedAndNonsenseSizesFallBackToTheCalculator() {
        PoolProperties properties = new PoolProperties(
                new PoolProperties.Role(4, 9, Duration.ofMillis(10), null),
                new PoolProperties.Role(-3, -1, null, null),
                null,
                false);
        assertThat(properties.primary().minIdle()).isEqualTo(4);
        assertThat(properties.primary().connectionTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(properties.replica().maxSize()).isZero();
        PoolPlanner plan = PoolPlanner.plan(100, 2, properties, PoolSizingProperties.defaults());
        assertThat(plan.primary().maxSize()).isEqualTo(4);
        assertThat(plan.replica().maxSize()).isEqualTo(5);
    }

    private static PoolProperties props(int primary, int replica, int analytics) {
        return new PoolProperties(
                new PoolProperties.Role(primary, -1, null, null),
                new PoolProperties.Role(replica, -1, null, null),
                new PoolProperties.Role(analytics, -1, null, null),
                false);
    }
}
