package dev.classbase.data.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PoolSizingTests {

    /** cores, instances, max_connections, reserved, margin, tx/s, ms, spindles, workers, threads */
    private static PoolInputs inputs(
            int cores, int instances, int max, int reserved, double margin, double rps, double ms, int spindles) {
        return new PoolInputs(cores, instances, max, reserved, margin, rps, ms, spindles, 1, 8);
    }

    @Test
    void hikariCpRuleIsCoresTimesTwoPlusSpindles() {
        PoolPlan plan = PoolSizing.plan(inputs(2, 1, 100, 10, 0.8, 200, 5, 1));
        assertThat(plan.rule(PoolSizing.HIKARICP).value()).isEqualTo(5);
        assertThat(plan.rule(PoolSizing.HIKARICP).formula()).isEqualTo("2 x 2 + 1");
    }

    @Test
    void hikariCpRuleIsTheWholeDatabasesFigureSharedByInstances() {
        PoolPlan plan = PoolSizing.plan(inputs(8, 4, 400, 10, 0.8, 200, 5, 1));
        assertThat(plan.rule(PoolSizing.HIKARICP).value()).isEqualTo(5); // ceil(17 / 4)
    }

    @Test
    void budgetRuleIsTheInstancesShareAfterReservedTimesMargin() {
        PoolPlan plan = PoolSizing.plan(inputs(2, 4, 100, 10, 0.8, 200, 5, 1));
        assertThat(plan.rule(PoolSizing.BUDGET).value()).isEqualTo(18); // (100 - 10) x 0.8 / 4
        assertThat(PoolSizing.budget(inputs(4, 3, 100, 10, 0.8, 0, 0, 1))).isEqualTo(24); // 72 / 3
        assertThat(PoolSizing.budget(inputs(4, 5, 100, 10, 0.8, 0, 0, 1))).isEqualTo(14); // 14.4, rounded down
    }

    @Test
    void loadRuleIsLittlesLawWithSquareRootHeadroom() {
        // 1000 tx/s x 20 ms = 20 in use; 20 + 3 x sqrt(20) = 33.4
        PoolPlan plan = PoolSizing.plan(inputs(4, 1, 100, 10, 0.8, 1000, 20, 1));
        assertThat(plan.rule(PoolSizing.LOAD).value()).isEqualTo(34);
        // 200 tx/s x 5 ms = 1 in use; 1 + 3 = 4
        assertThat(PoolSizing.plan(inputs(4, 1, 100, 10, 0.8, 200, 5, 1))
                        .rule(PoolSizing.LOAD)
                        .value())
                .isEqualTo(4);
    }

    @Test
    void threadsRuleIsSeed002s() {
        PoolInputs in = new PoolInputs(4, 1, 100, 10, 0.8, 200, 5, 1, 4, 4);
        assertThat(PoolSizing.plan(in).rule(PoolSizing.THREADS).value()).isEqualTo(36); // 4 x 4 x 2 + 4
    }

    @Test
    void choosesTheSmallestDemandSizeThatCoversTheMeanLoad() {
        // 2 cores: hikaricp 5, load 4, threads 20, budget 72; mean in use 1 -> load's 4
        PoolPlan light = PoolSizing.plan(inputs(2, 1, 100, 10, 0.8, 200, 5, 1));
        assertThat(light.maximumPoolSize()).isEqualTo(4);
        assertThat(light.chosenRule()).isEqualTo(PoolSizing.LOAD);
        assertThat(light.minimumIdle()).isEqualTo(1);

        // 1000 tx/s x 8 ms = 8 in use: hikaricp's 5 cannot cover it; load's 8 + 3 x sqrt(8) = 17 beats threads' 20
        PoolPlan busy = PoolSizing.plan(inputs(2, 1, 100, 10, 0.8, 1000, 8, 1));
        assertThat(busy.rule(PoolSizing.HIKARICP).value()).isLessThan(8);
        assertThat(busy.maximumPoolSize()).isEqualTo(17);
        assertThat(busy.chosenRule()).isEqualTo(PoolSizing.LOAD);
        assertThat(busy.minimumIdle()).isEqualTo(8);

        // 8 cores shared by 2 instances: hikaricp's ceil(17 / 2) = 9 covers the 4 in use and beats load's 10
        PoolPlan split = PoolSizing.plan(inputs(8, 2, 100, 10, 0.8, 1000, 8, 1));
        assertThat(split.rule(PoolSizing.HIKARICP).value()).isEqualTo(9);
        assertThat(split.rule(PoolSizing.LOAD).value()).isEqualTo(10); // 4 + 6
        assertThat(split.maximumPoolSize()).isEqualTo(9);
        assertThat(split.chosenRule()).isEqualTo(PoolSizing.HIKARICP);
        assertThat(split.why()).contains("smallest", "4.0 connections in use");
    }

    @Test
    void theBudgetCapsTheChoiceAndSaysWhenItCannotCoverTheLoad() {
        // 10 instances on max_connections 100: budget 7; 5000 tx/s x 20 ms / 10 = 10 in use
        PoolPlan plan = PoolSizing.plan(inputs(16, 10, 100, 10, 0.8, 5000, 20, 1));
        assertThat(plan.maximumPoolSize()).isEqualTo(7);
        assertThat(plan.chosenRule()).isEqualTo(PoolSizing.BUDGET);
        assertThat(plan.minimumIdle()).isEqualTo(7);
        assertThat(plan.why()).contains("budget of 7", "cannot cover", "PgBouncer");
    }

    @ParameterizedTest
    @CsvSource({
        "1, 1, 100, 10, 0.8, 200, 5, 0",
        "2, 4, 100, 10, 0.8, 200, 5, 1",
        "64, 1, 20, 3, 0.5, 100000, 50, 8",
        "8, 50, 500, 20, 1.0, 20000, 3, 1",
        "4, 1, 100, 99, 1.0, 0, 0, 0",
        "32, 2, 1000, 10, 0.9, 0.5, 0.1, 0",
    })
    void theChoiceNeverExceedsTheBudgetAndMinNeverExceedsMax(
            int cores, int instances, int max, int reserved, double margin, double rps, double ms, int spindles) {
        PoolInputs in = inputs(cores, instances, max, reserved, margin, rps, ms, spindles);
        PoolPlan plan = PoolSizing.plan(in);
        assertThat(plan.maximumPoolSize()).isBetween(1, PoolSizing.budget(in));
        assertThat(plan.minimumIdle()).isBetween(1, plan.maximumPoolSize());
        assertThat(plan.rules())
                .extracting(RuleResult::rule)
                .containsExactly(PoolSizing.HIKARICP, PoolSizing.LOAD, PoolSizing.BUDGET, PoolSizing.THREADS);
        RolePools roles = RolePools.of(in, plan);
        assertThat(roles.primary().maximumPoolSize() + roles.analytics().maximumPoolSize())
                .isLessThanOrEqualTo(Math.max(2, PoolSizing.budget(in)));
        assertThat(roles.replica())
                .usingRecursiveComparison()
                .ignoringFields("role")
                .isEqualTo(roles.primary());
    }

    @Test
    void analyticsGetsHalfTheCoresAndALongerTimeout() {
        PoolInputs in = inputs(8, 1, 100, 10, 0.8, 200, 5, 1);
        RolePools roles = PoolSizing.roles(in);
        assertThat(roles.analytics().maximumPoolSize()).isEqualTo(4);
        assertThat(roles.analytics().minimumIdle()).isZero();
        assertThat(roles.analytics().statementTimeout())
                .isGreaterThan(roles.primary().statementTimeout());
        assertThat(PoolSizing.roles(inputs(1, 1, 100, 10, 0.8, 200, 5, 1))
                        .analytics()
                        .maximumPoolSize())
                .isEqualTo(2);
    }

    @Test
    void primaryShrinksSoThatPrimaryPlusAnalyticsFitTheBudget() {
        // budget (20 - 10) x 1.0 / 1 = 10; load rule 34 > budget -> plan 10; analytics min(4, 10 / 4) = 2
        PoolInputs in = inputs(8, 1, 20, 10, 1.0, 1000, 20, 1);
        RolePools roles = PoolSizing.roles(in);
        assertThat(PoolSizing.plan(in).maximumPoolSize()).isEqualTo(10);
        assertThat(roles.analytics().maximumPoolSize()).isEqualTo(2);
        assertThat(roles.primary().maximumPoolSize()).isEqualTo(8);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "0 | 1 | 100 | 10 | 0.8 | 200 | 5 | 1 | cores (--cores)",
                "2 | 0 | 100 | 10 | 0.8 | 200 | 5 | 1 | appInstances (--instances)",
                "2 | 1 | 10 | 10 | 0.8 | 200 | 5 | 1 | databaseMaxConnections (--max-connections)",
                "2 | 1 | 100 | -1 | 0.8 | 200 | 5 | 1 | reservedConnections (--reserved)",
                "2 | 1 | 100 | 10 | 0 | 200 | 5 | 1 | safetyMargin (--margin)",
                "2 | 1 | 100 | 10 | 1.5 | 200 | 5 | 1 | safetyMargin (--margin)",
                "2 | 1 | 100 | 10 | NaN | 200 | 5 | 1 | safetyMargin (--margin)",
                "2 | 1 | 100 | 10 | 0.8 | -1 | 5 | 1 | requestsPerSecond (--rps)",
                "2 | 1 | 100 | 10 | 0.8 | Infinity | 5 | 1 | requestsPerSecond (--rps)",
                "2 | 1 | 100 | 10 | 0.8 | 200 | -5 | 1 | meanQueryMillis (--mean-query-ms)",
                "2 | 1 | 100 | 10 | 0.8 | 200 | 5 | -1 | effectiveSpindles (--spindles)",
            })
    void nonsenseInputsAreRejectedWithTheInputNamed(
            int cores,
            int instances,
            int max,
            int reserved,
            double margin,
            double rps,
            double ms,
            int spindles,
            String named) {
        assertThatThrownBy(() -> inputs(cores, instances, max, reserved, margin, rps, ms, spindles))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(named);
    }

    @Test
    void workersAndThreadsMustBePositive() {
        assertThatThrownBy(() -> new PoolInputs(2, 1, 100, 10, 0.8, 200, 5, 1, 0, 8))
                .hasMessageStartingWith("workers (--workers)");
        assertThatThrownBy(() -> new PoolInputs(2, 1, 100, 10, 0.8, 200, 5, 1, 1, 0))
                .hasMessageStartingWith("threadsPerWorker (--threads)");
    }

    @Test
    void aBudgetBelowOneConnectionPerInstanceIsRejectedWithTheInputsNamed() {
        // (12 - 10) x 0.8 / 4 = 0.4
        assertThatThrownBy(() -> PoolSizing.plan(inputs(2, 4, 12, 10, 0.8, 200, 5, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--max-connections")
                .hasMessageContaining("--instances");
    }

    @Test
    void defaultsAreSane() {
        PoolInputs d = PoolInputs.defaults();
        assertThat(d.cores()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(d.databaseMaxConnections()).isEqualTo(100);
        assertThat(d.reservedConnections()).isEqualTo(10);
        PoolPlan plan = PoolSizing.plan(d);
        assertThat(plan.maximumPoolSize()).isBetween(2, 72);
    }
}
