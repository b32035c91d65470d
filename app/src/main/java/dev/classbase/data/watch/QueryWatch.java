package dev.classbase.data.watch;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.sql.DataSource;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;

/**
 * Watches every statement of the pools it wraps: counts them per scope (request, job, test block)
 * and per transaction, flags N+1 patterns, logs slow statements at two tiers, times everything and
 * tags each statement with a comment naming its route or job.
 *
 * <p>Usage outside a request: {@code try (var scope = QueryWatch.scope("job:refresh-views")) {...}}.
 */
public class QueryWatch {
    private final QueryWatchProperties properties;
    private final MeterRegistry registry;
    private final AtomicLong nPlusOneDetections = new AtomicLong();

    public QueryWatch(QueryWatchProperties properties, MeterRegistry registry) {
        this.properties = Objects.requireNonNull(properties, "properties");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * A data source that runs every statement through the watch, or {@code target} itself when the
     * watch is disabled. The proxy does not own the pool: close the target, not the proxy.
     */
    public DataSource wrap(String poolName, DataSource target) {
        Objects.requireNonNull(poolName, "poolName");
        Objects.requireNonNull(target, "target");
        if (!properties.enabled()) {
            return target;
        }
        WatchListener listener = new WatchListener(poolName, this);
        return ProxyDataSourceBuilder.create(poolName, target)
                .listener(listener)
                .methodListener(listener)
                .queryTransformer(new RouteComment())
                .build();
    }

    /**
     * Opens a scope on the current thread, named like {@code job:refresh-views} or
     * {@code command:seed}; close it in {@code finally}. The name ends up in SQL comments: pass a
     * fixed name, never a user value.
     */
    public static QueryScope scope(String name) {
        return QueryScope.open(name, null);
    }

    /** The innermost open scope of this thread. */
    public static Optional<QueryScope> current() {
        return Optional.ofNullable(QueryScope.current());
    }

    /** N+1 patterns flagged since start, over all scopes; a test suite can assert it stays zero. */
    public long nPlusOneDetections() {
        return nPlusOneDetections.get();
    }

    public QueryWatchProperties properties() {
        return properties;
    }

    /** A request's scope: named by its route once the handler mapping has chosen one. */
    static QueryScope requestScope(Supplier<String> route) {
        return QueryScope.open(null, route);
    }

    MeterRegistry registry() {
        return registry;
    }

    void nPlusOneFlagged(String route) {
        nPlusOneDetections.incrementAndGet();
        registry.counter("classbase.query.n_plus_one", "route", route).increment();
    }
}
