package dev.classbase.data.pool;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Sizes one application instance's connection pool from the deployment by four rules (HikariCP's
 * cores x 2 + spindles, Little's law on the expected load, the connection budget, threads per
 * worker), and says which rule won and why. Pure: no Spring, no I/O.
 *
 * <p>The choice: the <em>smallest</em> demand-based size that still covers the mean number of
 * connections in use, then capped by the connection budget. Smallest, because a pool larger than the
 * work the database can do in parallel only moves the queue from the pool into PostgreSQL, where it
 * costs memory, locks and context switches (HikariCP, "About Pool Sizing"). Capped, because the sum of
 * all instances' pools must fit in {@code max_connections} with room for superusers, monitoring and
 * migrations, even without PgBouncer in front.
 */
public final class PoolSizing {
    public static final String HIKARICP = "hikaricp";
    public static final String LOAD = "load";
    public static final String BUDGET = "budget";
    public static final String THREADS = "threads";

    /** The threads rule's fixed overhead: 4 connections for health checks and background tasks. */
    static final int THREADS_OVERHEAD = 4;
    /** A pool of 1 lets one slow statement block every request; 2 is the floor of the demand rules. */
    static final int SMALLEST_USEFUL_POOL = 2;
    /**
     * Headroom over the mean: square-root staffing (Halfin and Whitt, 1981) adds a multiple of
     * sqrt(load) servers; 3 keeps the chance that a Poisson burst finds every connection busy
     * well under 1 % while the relative headroom shrinks as the load grows.
     */
    static final double SQRT_STAFFING_FACTOR = 3.0;
    /** Doubles computed from decimal inputs (0.8 x 90) land a hair off integers; never round those up. */
    private static final double EPSILON = 1e-9;

    private PoolSizing() {}

    public static PoolPlan plan(PoolInputs in) {
        int budget = budget(in);
        double load = in.concurrencyPerInstance();
        int mean = ceil(load);
        List<RuleResult> rules = List.of(hikari(in), load(in), budgetRule(in, budget), threads(in));
        RuleResult chosen = rules.stream()
                .filter(r -> !r.rule().equals(BUDGET))
                .filter(r -> r.value() >= mean)
                .min(Comparator.comparingInt(RuleResult::value))
                .orElseThrow(); // the load rule always covers the mean
        int max = Math.min(chosen.value(), budget);
        int min = Math.clamp(mean, 1, max);
        String loadText = String.format(
                Locale.ROOT,
                "%.1f connections in use on average (%s tx/s x %s ms / %d instance%s)",
                load,
                number(in.requestsPerSecond()),
                number(in.meanQueryMillis()),
                in.appInstances(),
                in.appInstances() == 1 ? "" : "s");
        String why;
        String rule;
        if (chosen.value() <= budget) {
            rule = chosen.rule();
            why = "the smallest demand-based size that covers " + loadText + ", within the connection budget of "
                    + budget + "; a larger pool only moves the queue into PostgreSQL";
        } else {
            rule = BUDGET;
            why = "the connection budget of " + budget + " per instance is below " + chosen.rule() + "'s "
                    + chosen.value() + ", and the budget is never exceeded";
            if (budget < mean) {
                why += "; it cannot cover " + loadText
                        + ", so requests will wait for connections: put PgBouncer in front, raise max_connections"
                        + " or run fewer instances";
            }
        }
        why += "; minimum idle " + min + " keeps the connections busy on average open";
        return new PoolPlan(min, max, rule, why, rules);
    }

    /** Per-role pools (primary, each replica, analytics) derived from the plan; see {@link RolePools}. */
    public static RolePools roles(PoolInputs in) {
        return RolePools.of(in, plan(in));
    }

    /**
     * The budget: the instance's share of the connections left after the reserved ones, times the
     * safety margin.
     */
    public static int budget(PoolInputs in) {
        int budget =
                floor((in.databaseMaxConnections() - in.reservedConnections()) * in.safetyMargin() / in.appInstances());
        if (budget < 1) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "the connection budget is below one connection per instance: (max-connections %d - reserved %d)"
                            + " x margin %s / %d instances; raise --max-connections or lower --reserved or --instances",
                    in.databaseMaxConnections(),
                    in.reservedConnections(),
                    number(in.safetyMargin()),
                    in.appInstances()));
        }
        return budget;
    }

    /** The whole database's budget (all instances, or one PgBouncer): (max - reserved) x margin. */
    public static int databaseBudget(PoolInputs in) {
        return Math.max(1, floor((in.databaseMaxConnections() - in.reservedConnections()) * in.safetyMargin()));
    }

    /** HikariCP's cores x 2 + effective spindles: what the database can run in parallel. */
    public static int hikariDatabaseWide(PoolInputs in) {
        return in.cores() * 2 + in.effectiveSpindles();
    }

    private static RuleResult hikari(PoolInputs in) {
        int database = hikariDatabaseWide(in);
        int perInstance = Math.max(SMALLEST_USEFUL_POOL, ceil((double) database / in.appInstances()));
        String formula = in.cores() + " x 2 + " + in.effectiveSpindles()
                + (in.appInstances() > 1 ? " = " + database + ", / " + in.appInstances() + " instances" : "");
        return new RuleResult(
                HIKARICP,
                formula,
                perInstance,
                "HikariCP 'About Pool Sizing': cores x 2 + effective spindles keeps every database core busy;"
                        + " it is the whole database's figure, so instances share it");
    }

    private static RuleResult load(PoolInputs in) {
        double load = in.concurrencyPerInstance();
        int value = Math.max(SMALLEST_USEFUL_POOL, ceil(load + SQRT_STAFFING_FACTOR * Math.sqrt(load)));
        String formula = String.format(
                Locale.ROOT,
                "L = %s/s x %s ms / %d = %.2f; L + 3 x sqrt(L)",
                number(in.requestsPerSecond()),
                number(in.meanQueryMillis()),
                in.appInstances(),
                load);
        return new RuleResult(
                LOAD,
                formula,
                value,
                "the minimum from expected load: Little's law gives the mean connections in use,"
                        + " square-root headroom absorbs bursts");
    }

    private static RuleResult budgetRule(PoolInputs in, int budget) {
        String formula = String.format(
                Locale.ROOT,
                "(%d - %d) x %s / %d",
                in.databaseMaxConnections(),
                in.reservedConnections(),
                number(in.safetyMargin()),
                in.appInstances());
        return new RuleResult(
                BUDGET,
                formula,
                budget,
                "the maximum: this instance's share of max_connections after the reserved ones;"
                        + " a ceiling, not a target");
    }

    private static RuleResult threads(PoolInputs in) {
        int value = in.workers() * in.threadsPerWorker() * 2 + THREADS_OVERHEAD;
        return new RuleResult(
                THREADS,
                in.workers() + " x " + in.threadsPerWorker() + " x 2 + " + THREADS_OVERHEAD,
                value,
                "workers x threads x 2 + overhead: sized to the request threads, not to the database;"
                        + " with virtual threads it only over-sizes");
    }

    /** Rounds up, but never a value a hair above an integer (see {@link #EPSILON}). */
    public static int ceil(double x) {
        return (int) Math.ceil(x - EPSILON);
    }

    static int floor(double x) {
        return (int) Math.floor(x + EPSILON);
    }

    /** An input as a person writes it: {@code 200}, not {@code 200.0}; {@code 0.8}. */
    public static String number(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : String.format(Locale.ROOT, "%s", x);
    }
}
