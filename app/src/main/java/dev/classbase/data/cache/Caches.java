package dev.classbase.data.cache;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two-level cache's regions and its invalidation bus (Caffeine L1 per instance; Redis L2 and
 * pub/sub when {@code classbase.cache.redis-url} is set). Messages carry this instance's id, so an
 * instance does not act twice on its own invalidations.
 */
public final class Caches implements InvalidationBus, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Caches.class);

    private final CacheProperties properties;
    private final Clock clock;
    private final String instance = UUID.randomUUID().toString();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, TieredCache<?>> regions = new ConcurrentHashMap<>();
    private final RedisLink redis;
    private final MeterRegistry meters;

    public Caches(CacheProperties properties, Clock clock, MeterRegistry meters) {
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
        this.redis = properties.enabled() && properties.redisUrl() != null
                ? RedisLink.connect(properties.redisUrl(), properties.redisTimeout(), this::received)
                        .orElse(null)
                : null;
        subscribe((region, key) -> {
            TieredCache<?> cache = regions.get(region);
            if (cache != null) {
                cache.evictLocally(key);
            }
        });
        if (meters != null) {
            Gauge.builder("classbase.cache.redis.connected", this, c -> c.shared() ? 1 : 0)
                    .description("1 when the cache's L2 and invalidation bus reach Redis")
                    .register(meters);
        }
    }

    /** The Redis link, null when Redis is not configured or was not reachable at start. */
    RedisLink link() {
        return redis;
    }

    public CacheProperties properties() {
        return properties;
    }

    /** A new region; {@code deadline} (may return null) caps each entry's life, such as a session's expiry. */
    public <V> Optional<TieredCache<V>> region(
            String name, Duration ttl, TieredCache.Codec<V> codec, Function<V, Instant> deadline) {
        if (!properties.enabled()) {
            return Optional.empty();
        }
        TieredCache<V> cache =
                new TieredCache<>(name, ttl, properties.maxEntries(), codec, deadline, clock, () -> redis, this);
        if (regions.putIfAbsent(name, cache) != null) {
            throw new IllegalStateException("cache region '" + name + "' exists already");
        }
        if (meters != null) {
            for (String result : List.of("l1", "l2", "miss")) {
                FunctionCounter.builder("classbase.cache.gets", cache, c -> switch (result) {
                            case "l1" -> c.stats().l1Hits();
                            case "l2" -> c.stats().l2Hits();
                            default -> c.stats().misses();
                        })
                        .tag("region", name)
                        .tag("result", result)
                        .register(meters);
            }
        }
        return Optional.of(cache);
    }

    /** Drops every entry of a region on every instance (for example every cached session, after an incident). */
    public void invalidateAll(String region) {
        publish(region, null);
    }

    public Map<String, TieredCache.Stats> stats() {
        Map<String, TieredCache.Stats> all = new java.util.TreeMap<>();
        regions.forEach((name, cache) -> all.put(name, cache.stats()));
        return all;
    }

    @Override
    public void publish(String region, String key) {
        for (Listener listener : listeners) {
            listener.invalidated(region, key);
        }
        if (redis != null) {
            redis.publish(instance + "\n" + region + "\n" + (key == null ? "" : key));
        }
    }

    @Override
    public void subscribe(Listener listener) {
        listeners.add(listener);
    }

    @Override
    public boolean shared() {
        return redis != null && redis.connected();
    }

    private void received(String message) {
        String[] parts = message.split("\n", 3);
        if (parts.length != 3) {
            log.warn("cache: ignoring a malformed invalidation message");
            return;
        }
        if (parts[0].equals(instance)) {
            return; // ours, already applied
        }
        String key = parts[2].isEmpty() ? null : parts[2];
        for (Listener listener : listeners) {
            listener.invalidated(parts[1], key);
        }
    }

    @Override
    public void close() {
        if (redis != null) {
            redis.close();
        }
    }
}
