package dev.classbase.data.pgbouncer;

import dev.classbase.data.pool.PoolInputs;
import dev.classbase.data.pool.PoolSizing;
import dev.classbase.data.pool.RolePools;

/**
 * PgBouncer's pool settings for one database, from the same inputs as the application's pools.
 *
 * <p>With transaction pooling a server connection is busy only while a transaction runs, so the
 * server side is sized to the work, not to the number of clients:
 *
 * <ul>
 *   <li>{@code default_pool_size}: HikariCP's cores x 2 + spindles for the whole database (what it
 *       can run in parallel), or the mean transactions in flight if that is more, within the budget.
 *   <li>{@code min_pool_size}: the mean transactions in flight, kept connected.
 *   <li>{@code reserve_pool_size}: a quarter more for bursts, used after {@code
 *       reserve_pool_timeout}, within the budget.
 *   <li>{@code max_db_connections}: the database budget, (max_connections - reserved) x margin,
 *       divided among the databases this PgBouncer fronts on the same server.
 *   <li>{@code max_client_conn}: every instance's primary and analytics pools, twice (old and new
 *       instances overlap during a rolling deploy), plus 20 for the CLI, psql and monitoring, and
 *       never below PgBouncer's default of 100: a client connection costs PgBouncer only a file
 *       descriptor and a few kB, and refusing one during a deploy costs a failed request.
 * </ul>
 *
 * <p>The application's pools keep the direct-connection sizes from {@link PoolSizing#plan}, so
 * turning PgBouncer off is always safe.
 */
public record BouncerSizes(
        int defaultPoolSize, int minPoolSize, int reservePoolSize, int maxDbConnections, int maxClientConn) {
    static final int CLIENT_HEADROOM = 20;
    static final int PGBOUNCER_DEFAULT_MAX_CLIENT_CONN = 100;

    public static BouncerSizes of(PoolInputs in, int databases) {
        if (databases < 1) {
            throw new IllegalArgumentException("databases must be at least 1, got " + databases);
        }
        int maxDb = Math.max(1, PoolSizing.databaseBudget(in) / databases);
        int inFlight = PoolSizing.ceil(in.totalConcurrency());
        int defaultPool = Math.clamp(Math.max(PoolSizing.hikariDatabaseWide(in), inFlight), 1, maxDb);
        int reserve = Math.min(maxDb - defaultPool, Math.max(1, PoolSizing.ceil(defaultPool / 4.0)));
        int minPool = Math.clamp(inFlight, 1, defaultPool);
        RolePools roles = PoolSizing.roles(in);
        int perInstance = roles.primary().maximumPoolSize() + roles.analytics().maximumPoolSize();
        int clients =
                Math.max(PGBOUNCER_DEFAULT_MAX_CLIENT_CONN, 2 * in.appInstances() * perInstance + CLIENT_HEADROOM);
        return new BouncerSizes(defaultPool, minPool, reserve, maxDb, clients);
    }
}
