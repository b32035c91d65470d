package dev.classbase.data.pool;

/**
 * What pool sizing needs to know about the deployment. Validated on construction: a nonsense value
 * fails with an {@link IllegalArgumentException} that names the input (the CLI maps it to exit 2).
 *
 * @param cores CPU cores of the <em>database server</em> (HikariCP's formula counts the cores that
 *     run the queries, not the application's)
 * @param appInstances application instances that share the database
 * @param databaseMaxConnections the server's {@code max_connections}
 * @param reservedConnections connections kept out of the application's share: {@code
 *     superuser_reserved_connections}, monitoring, migrations, replication, psql sessions
 * @param safetyMargin the fraction of the remaining connections the application may plan to use, in
 *     (0, 1]
 * @param requestsPerSecond database transactions per second, all instances together, at peak
 * @param meanQueryMillis mean time a transaction holds its connection, in milliseconds
 * @param effectiveSpindles HikariCP's "effective spindle count": 0 when the working set is cached, 1
 *     for an SSD, more for striped disks
 * @param workers processes per instance (the threads rule)
 * @param threadsPerWorker request threads per process (the threads rule)
 */
public record PoolInputs(
        int cores,
        int appInstances,
        int databaseMaxConnections,
        int reservedConnections,
        double safetyMargin,
        double requestsPerSecond,
        double meanQueryMillis,
        int effectiveSpindles,
        int workers,
        int threadsPerWorker) {

    public PoolInputs {
        require(cores >= 1, "cores", "--cores", cores, "at least 1");
        require(appInstances >= 1, "appInstances", "--instances", appInstances, "at least 1");
        require(
                databaseMaxConnections >= 1,
                "databaseMaxConnections",
                "--max-connections",
                databaseMaxConnections,
                "at least 1");
        require(reservedConnections >= 0, "reservedConnections", "--reserved", reservedConnections, "0 or more");
        require(
                databaseMaxConnections > reservedConnections,
                "databaseMaxConnections",
                "--max-connections",
                databaseMaxConnections,
                "more than the reserved connections (" + reservedConnections + ")");
        require(safetyMargin > 0 && safetyMargin <= 1, "safetyMargin", "--margin", safetyMargin, "in (0, 1], e.g. 0.8");
        require(
                Double.isFinite(requestsPerSecond) && requestsPerSecond >= 0,
                "requestsPerSecond",
                "--rps",
                requestsPerSecond,
                "0 or more");
        require(
                Double.isFinite(meanQueryMillis) && meanQueryMillis >= 0,
                "meanQueryMillis",
                "--mean-query-ms",
                meanQueryMillis,
                "0 or more");
        require(effectiveSpindles >= 0, "effectiveSpindles", "--spindles", effectiveSpindles, "0 or more");
        require(workers >= 1, "workers", "--workers", workers, "at least 1");
        require(threadsPerWorker >= 1, "threadsPerWorker", "--threads", threadsPerWorker, "at least 1");
    }

    /**
     * One instance on this machine's cores, PostgreSQL's default {@code max_connections} of 100 with
     * 10 reserved (3 superuser_reserved_connections, monitoring, migrations), 80 % of the rest, 200
     * transactions/s of 5 ms, an SSD, one worker of 8 threads.
     */
    public static PoolInputs defaults() {
        return new PoolInputs(Runtime.getRuntime().availableProcessors(), 1, 100, 10, 0.8, 200, 5, 1, 1, 8);
    }

    /** Mean connections in use per instance, by Little's law: arrival rate x time held. */
    public double concurrencyPerInstance() {
        return requestsPerSecond * (meanQueryMillis / 1000.0) / appInstances;
    }

    /** Mean connections in use across all instances. */
    public double totalConcurrency() {
        return requestsPerSecond * (meanQueryMillis / 1000.0);
    }

    private static void require(boolean ok, String input, String option, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException(input + " (" + option + ") must be " + expected + ", got " + value);
        }
    }
}
