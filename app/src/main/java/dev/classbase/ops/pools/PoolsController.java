package dev.classbase.ops.pools;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.classbase.data.JdbcUrls;
import dev.classbase.data.pgbouncer.PgBouncerAdmin;
import dev.classbase.data.pool.Pools;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/admin/database/pools}: every Hikari pool of the app (the primary's, each
 * replica's, and their analytics pools) with HikariCP's own numbers, plus the connection timeouts
 * Micrometer counted ({@code hikaricp.connections.timeout}); and PgBouncer's {@code SHOW POOLS} and
 * {@code SHOW STATS} when its admin console is configured ({@code classbase.console.pgbouncer.*}).
 * A PgBouncer that does not answer is reported in the response and logged once, not per request.
 */
@RestController
@EnableConfigurationProperties(PoolsProperties.class)
class PoolsController {
    private static final Logger log = LoggerFactory.getLogger(PoolsController.class);

    private final Pools pools;
    private final MeterRegistry registry;
    private final PoolsProperties pgbouncer;
    private volatile boolean saidUnreachable;

    PoolsController(Pools pools, MeterRegistry registry, PoolsProperties pgbouncer) {
        this.pools = pools;
        this.registry = registry;
        this.pgbouncer = pgbouncer;
    }

    record Pool(
            String name,
            boolean started,
            int active,
            int idle,
            int waiting,
            int total,
            int max,
            int minIdle,
            long connectionTimeoutMs,
            Double timeouts) {}

    record PgBouncer(
            boolean configured,
            boolean available,
            String note,
            List<Map<String, String>> pools,
            List<Map<String, String>> stats) {}

    record PoolsReport(List<Pool> hikari, PgBouncer pgbouncer) {}

    @GetMapping("/api/v1/admin/database/pools")
    PoolsReport pools() {
        List<Pool> hikari = new ArrayList<>();
        for (HikariDataSource ds : pools.all()) {
            hikari.add(pool(ds));
        }
        return new PoolsReport(hikari, pgbouncer());
    }

    private Pool pool(HikariDataSource ds) {
        HikariPoolMXBean mx = ds.isClosed() ? null : ds.getHikariPoolMXBean();
        // Micrometer's counter exists once the pool registered its metrics (HikariCP's MicrometerMetricsTracker)
        Counter timeouts = registry.find("hikaricp.connections.timeout")
                .tag("pool", ds.getPoolName())
                .counter();
        return new Pool(
                ds.getPoolName(),
                mx != null,
                mx == null ? 0 : mx.getActiveConnections(),
                mx == null ? 0 : mx.getIdleConnections(),
                mx == null ? 0 : mx.getThreadsAwaitingConnection(),
                mx == null ? 0 : mx.getTotalConnections(),
                ds.getMaximumPoolSize(),
                ds.getMinimumIdle(),
                ds.getConnectionTimeout(),
                timeouts == null ? null : timeouts.count());
    }

    PgBouncer pgbouncer() {
        if (!pgbouncer.configured()) {
            return new PgBouncer(
                    false,
                    false,
                    "not configured: set classbase.console.pgbouncer.host, port, user and password"
                            + " (a user in PgBouncer's admin_users or stats_users)",
                    List.of(),
                    List.of());
        }
        try {
            List<Map<String, String>> show = show("POOLS");
            List<Map<String, String>> stats = show("STATS");
            saidUnreachable = false;
            return new PgBouncer(true, true, null, show, stats);
        } catch (IOException | RuntimeException e) {
            String why = "PgBouncer's admin console at " + pgbouncer.host() + ":" + pgbouncer.port()
                    + " did not answer: " + JdbcUrls.mask(String.valueOf(e.getMessage()));
            if (!saidUnreachable) {
                saidUnreachable = true;
                log.warn("console: {}", why);
            }
            return new PgBouncer(true, false, why, List.of(), List.of());
        }
    }

    private List<Map<String, String>> show(String what) throws IOException {
        return PgBouncerAdmin.show(pgbouncer.host(), pgbouncer.port(), pgbouncer.user(), pgbouncer.password(), what);
    }
}
