package dev.classbase.data.pool;

import java.time.Duration;

/**
 * The pools of one application instance by role, derived from a {@link PoolPlan}.
 *
 * <ul>
 *   <li><b>analytics</b>: {@code max(2, cores / 2)}, at most a quarter of the instance's budget, no
 *       idle connections, and a long statement timeout. Long aggregations scale with cores (parallel
 *       workers), so half the cores leaves the other half to grade submissions; its own small pool is
 *       what keeps a burst of reports from starving the request path (ARCHITECTURE.md, "Rules of the
 *       data tier").
 *   <li><b>primary</b>: the plan's sizes, shrunk if needed so that primary + analytics fit the
 *       instance's budget: analytics prefers a replica but falls back to the primary, so both pools
 *       can land on the same server.
 *   <li><b>replica</b> (per replica): the same sizes as the primary. Each replica is its own server with
 *       its own {@code max_connections}, and when the other replicas lag, all reads (and analytics)
 *       land on one replica, so it needs the full share, not a fraction.
 * </ul>
 *
 * <p>Statement timeouts: 30 s on the request path (longer than any healthy request, short enough that
 * a runaway query frees its connection), 2 min for analytics (the defaults of {@code
 * classbase.pools.*.statement-timeout}). Through PgBouncer in transaction mode,
 * apply them with {@code ALTER ROLE ... SET statement_timeout} or {@code SET LOCAL}, not with the
 * {@code options} startup parameter, which PgBouncer 1.18 rejects.
 */
public record RolePools(Pool primary, Pool replica, Pool analytics) {
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    static final Duration ANALYTICS_TIMEOUT = Duration.ofMinutes(2);

    /** One role's HikariCP sizes and the statement timeout its connections should carry. */
    public record Pool(String role, int minimumIdle, int maximumPoolSize, Duration statementTimeout) {}

    public static RolePools of(PoolInputs in, PoolPlan plan) {
        int budget = PoolSizing.budget(in);
        int analyticsMax = Math.max(1, Math.min(Math.max(2, in.cores() / 2), budget / 4));
        int mainMax = Math.max(1, Math.min(plan.maximumPoolSize(), budget - analyticsMax));
        int mainMin = Math.min(plan.minimumIdle(), mainMax);
        return new RolePools(
                new Pool("primary", mainMin, mainMax, REQUEST_TIMEOUT),
                new Pool("replica", mainMin, mainMax, REQUEST_TIMEOUT),
                new Pool("analytics", 0, analyticsMax, ANALYTICS_TIMEOUT));
    }
}
