package dev.classbase.data.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One region of the two-level cache: L1 in this instance (Caffeine), L2 in Redis when connected,
 * the database behind both. An entry lives at most the region's time to live and never past its
 * own deadline (a session's expiry). Misses are not cached: an unknown key always asks the loader.
 *
 * <p>Invalidation is safe against a load running at the same moment: a load runs inside L1's
 * atomic compute, so an invalidation arriving meanwhile waits for it and then removes what it
 * stored; in L2 an invalidation leaves a tombstone for the time to live, and loads write L2 only
 * where nothing is ({@code SET NX}), so a load that read the database just before the change cannot
 * put the old value back.
 */
public final class TieredCache<V> {
    /** How a value is written to and read from Redis. */
    public interface Codec<V> {
        String encode(V value);

        V decode(String text);
    }

    private static final String TOMBSTONE = "-";

    private final String region;
    private final Duration ttl;
    private final Codec<V> codec;
    private final Function<V, Instant> deadline;
    private final Clock clock;
    private final Supplier<RedisLink> l2;
    private final InvalidationBus bus;
    private final Cache<String, V> l1;
    private final LongAdder l1Hits = new LongAdder();
    private final LongAdder l2Hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    TieredCache(
            String region,
            Duration ttl,
            long maxEntries,
            Codec<V> codec,
            Function<V, Instant> deadline,
            Clock clock,
            Supplier<RedisLink> l2,
            InvalidationBus bus) {
        this.region = region;
        this.ttl = ttl;
        this.codec = codec;
        this.deadline = deadline;
        this.clock = clock;
        this.l2 = l2;
        this.bus = bus;
        // the system clock keeps Caffeine's monotonic ticker; a test's clock drives expiry itself
        Ticker ticker = clock.equals(Clock.systemUTC())
                ? Ticker.systemTicker()
                : () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.l1 = Caffeine.newBuilder()
                .ticker(ticker)
                .maximumSize(maxEntries)
                .expireAfter(new Expiry<String, V>() {
                    @Override
                    public long expireAfterCreate(String key, V value, long currentTime) {
                        return remaining(value).toNanos();
                    }

                    @Override
                    public long expireAfterUpdate(String key, V value, long currentTime, long currentDuration) {
                        return remaining(value).toNanos();
                    }

                    @Override
                    public long expireAfterRead(String key, V value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    public String region() {
        return region;
    }

    /** The cached value, else L2's, else the loader's (then cached in both); empty is not cached. */
    public Optional<V> get(String key, Function<String, Optional<V>> loader) {
        V hit = l1.getIfPresent(key);
        if (hit != null) {
            l1Hits.increment();
            return Optional.of(hit);
        }
        return Optional.ofNullable(l1.get(key, k -> loadThrough(k, loader)));
    }

    private V loadThrough(String key, Function<String, Optional<V>> loader) {
        RedisLink redis = l2.get();
        boolean tombstone = false;
        if (redis != null) {
            Optional<String> text = redis.get(region, key);
            if (text.isPresent() && TOMBSTONE.equals(text.get())) {
                tombstone = true;
            } else if (text.isPresent()) {
                V value = codec.decode(text.get());
                if (!remaining(value).isZero()) {
                    l2Hits.increment();
                    return value;
                }
            }
        }
        misses.increment();
        V value = loader.apply(key).orElse(null);
        Duration left = value == null ? Duration.ZERO : remaining(value);
        if (redis != null && !tombstone && !left.isZero()) {
            redis.set(region, key, codec.encode(value), left, true);
        }
        return left.isZero() ? null : value;
    }

    /** Caches a value just created (a new session): nobody can have invalidated its key yet. */
    public void put(String key, V value) {
        Duration left = remaining(value);
        if (left.isZero()) {
            return;
        }
        l1.put(key, value);
        RedisLink redis = l2.get();
        if (redis != null) {
            redis.set(region, key, codec.encode(value), left, false);
        }
    }

    /** Forgets the key here, in L2 and, through the bus, in every other instance. */
    public void invalidate(String key) {
        l1.invalidate(key);
        RedisLink redis = l2.get();
        if (redis != null) {
            redis.set(region, key, TOMBSTONE, ttl, false);
        }
        bus.publish(region, key);
    }

    /** This instance's L1 only (a message from the bus). */
    void evictLocally(String key) {
        if (key == null) {
            l1.invalidateAll();
        } else {
            l1.invalidate(key);
        }
    }

    public record Stats(long l1Hits, long l2Hits, long misses, long size) {}

    public Stats stats() {
        return new Stats(l1Hits.sum(), l2Hits.sum(), misses.sum(), l1.estimatedSize());
    }

    private Duration remaining(V value) {
        Duration left = ttl;
        Instant end = deadline.apply(value);
        if (end != null) {
            Duration untilEnd = Duration.between(clock.instant(), end);
            if (untilEnd.compareTo(left) < 0) {
                left = untilEnd;
            }
        }
        return left.isNegative() ? Duration.ZERO : left;
    }
}
