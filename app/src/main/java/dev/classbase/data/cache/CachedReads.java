package dev.classbase.data.cache;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.classbase.data.consistency.Lsn;
import dev.classbase.data.consistency.ReadContext;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cached answers of services: L1 per instance (Caffeine, one future per key, so concurrent misses
 * on this instance wait for one load), L2 in Redis as JSON, the database behind both.
 *
 * <ul>
 *   <li>The key holds everything the answer depends on (the caller builds it) plus the current
 *       generation of each tag ({@link CacheTags}), so an invalidated answer is never read again.
 *   <li>Each entry remembers a WAL position its load had certainly seen (the request's own token,
 *       else the lowest position the replica monitor last saw on the primary and every replica). A
 *       request whose {@code Classbase-Consistency} token is past it reads through to the database
 *       and stores the fresher answer: read-your-writes through the cache.
 *   <li>Across instances a hot key is refreshed before it expires by one reader, chosen by chance:
 *       probabilistic early expiration (Vattani, Chierichetti, Lowenstein, "Optimal Probabilistic
 *       Cache Stampede Prevention", VLDB 2015): a read refreshes when
 *       {@code now - delta * beta * ln(rand) >= expiry}, delta being the load's own duration, beta 1.
 *   <li>Inside a write transaction nothing is read from or written to the cache (the answer could
 *       hold uncommitted rows), and each answer says {@code hit}, {@code miss} or {@code bypass} in
 *       the response header {@value #HEADER}.
 * </ul>
 */
public final class CachedReads {
    public static final String HEADER = "Classbase-Cache";
    private static final String OUTCOME = CachedReads.class.getName() + ".outcome";
    private static final double BETA = 1.0;

    /** What a read did, worst last: one bypass or miss in a request makes its header say so. */
    public enum Outcome {
        HIT,
        MISS,
        BYPASS;

        String header() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One cached read.
     *
     * @param region a region of {@link RegionProperties}
     * @param key everything the answer depends on (tenant, role or user where they matter, parameters)
     * @param tags what invalidates it
     * @param popular a member to count for warm-up ({@code <tenant>/...}, see {@link CacheWarmer}), or null
     */
    public record Read(String region, String key, List<String> tags, String popular) {
        public Read {
            tags = List.copyOf(tags);
        }
    }

    /** An answer with what the cache needs to know about it. */
    record Entry(Object value, Lsn seen, long deltaMillis, long expiresAtMillis) {}

    /** The form of an entry in Redis. */
    record Stored(String seen, long delta, long expires, JsonNode value) {}

    final class Region {
        final String name;
        final Duration ttl;
        final AsyncCache<String, Entry> l1;
        final Set<String> refreshing = ConcurrentHashMap.newKeySet();
        final java.util.concurrent.atomic.LongAdder loads = new java.util.concurrent.atomic.LongAdder();
        final java.util.concurrent.atomic.LongAdder l2Hits = new java.util.concurrent.atomic.LongAdder();
        final Map<Outcome, java.util.concurrent.atomic.LongAdder> outcomes = new ConcurrentHashMap<>();

        Region(String name, RegionProperties.Region settings) {
            this.name = name;
            this.ttl = settings.ttl();
            this.l1 = Caffeine.newBuilder()
                    .maximumSize(settings.maxEntries())
                    .recordStats()
                    .expireAfter(new Expiry<String, Entry>() {
                        @Override
                        public long expireAfterCreate(String key, Entry entry, long now) {
                            return left(entry);
                        }

                        @Override
                        public long expireAfterUpdate(String key, Entry entry, long now, long current) {
                            return left(entry);
                        }

                        @Override
                        public long expireAfterRead(String key, Entry entry, long now, long current) {
                            return current;
                        }
                    })
                    .buildAsync();
            for (Outcome o : Outcome.values()) {
                outcomes.put(o, new java.util.concurrent.atomic.LongAdder());
            }
        }

        private long left(Entry entry) {
            return Math.max(0, entry.expiresAtMillis() - System.currentTimeMillis()) * 1_000_000L;
        }

        void outcome(Outcome o) {
            outcomes.get(o).increment();
        }
    }

    /** One region as the console shows it. */
    public record RegionStats(
            String name,
            Duration ttl,
            long size,
            long hits,
            long misses,
            long bypasses,
            long l2Hits,
            long loads,
            long evictions,
            Double hitRate) {}

    private final Map<String, Region> regions = new TreeMap<>();
    private final RegionProperties properties;
    private final boolean enabled;
    private final Supplier<RedisLink> redis;
    private final CacheTags tags;
    private final JsonMapper json;
    private final Supplier<Lsn> seenEverywhere;

    CachedReads(
            RegionProperties properties,
            boolean enabled,
            Supplier<RedisLink> redis,
            CacheTags tags,
            JsonMapper json,
            Supplier<Lsn> seenEverywhere,
            MeterRegistry meters) {
        this.properties = properties;
        this.enabled = enabled;
        this.redis = redis;
        this.tags = tags;
        this.json = json;
        this.seenEverywhere = seenEverywhere;
        properties.regions().forEach((name, settings) -> {
            if (enabled && settings.enabled()) {
                Region region = new Region(name, settings);
                regions.put(name, region);
                if (meters != null) {
                    register(region, meters);
                }
            }
        });
    }

    private static void register(Region region, MeterRegistry meters) {
        for (Outcome o : Outcome.values()) {
            FunctionCounter.builder(
                            "classbase.cache.requests",
                            region,
                            r -> r.outcomes.get(o).sum())
                    .description("cached reads by outcome: hit (L1 or L2), miss (loaded), bypass (read through)")
                    .tag("region", region.name)
                    .tag("result", o.header())
                    .register(meters);
        }
        FunctionCounter.builder("classbase.cache.l2.hits", region, r -> r.l2Hits.sum())
                .tag("region", region.name)
                .register(meters);
        FunctionCounter.builder("classbase.cache.loads", region, r -> r.loads.sum())
                .description("answers loaded from the database into the cache")
                .tag("region", region.name)
                .register(meters);
        FunctionCounter.builder(
                        "classbase.cache.evictions",
                        region,
                        r -> r.l1.synchronous().stats().evictionCount())
                .description("L1 entries evicted by size or expiry")
                .tag("region", region.name)
                .register(meters);
        Gauge.builder("classbase.cache.size", region, r -> r.l1.synchronous().estimatedSize())
                .tag("region", region.name)
                .register(meters);
    }

    /** A key from its parts, each escaped, so no value can pass for another part. */
    public static String key(Object... parts) {
        StringBuilder b = new StringBuilder();
        for (Object part : parts) {
            if (!b.isEmpty()) {
                b.append('|');
            }
            b.append(
                    part == null
                            ? "~"
                            : java.net.URLEncoder.encode(part.toString(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    public CacheTags tags() {
        return tags;
    }

    /** True when the region caches (the cache and the region are enabled). */
    public boolean caches(String region) {
        return regions.containsKey(region);
    }

    public <V> V read(Read read, Class<V> type, Supplier<V> loader) {
        return read(read, json.constructType(type), loader);
    }

    /**
     * As {@link #read(Read, Class, Supplier)}, with the {@link Read} made only when {@code region}
     * caches: a key escapes every part of it, work a hot endpoint need not do when its region is
     * off and every read goes to the database anyway.
     */
    public <V> V read(String region, Supplier<Read> read, Class<V> type, Supplier<V> loader) {
        if (!regions.containsKey(region)) {
            note(Outcome.BYPASS, null);
            return loader.get();
        }
        return read(read.get(), json.constructType(type), loader);
    }

    public <V> V read(Read read, tools.jackson.core.type.TypeReference<V> type, Supplier<V> loader) {
        return read(read, json.constructType(type), loader);
    }

    @SuppressWarnings("unchecked")
    private <V> V read(Read read, JavaType type, Supplier<V> loader) {
        Region region = regions.get(read.region());
        if (region == null || inWriteTransaction()) {
            note(Outcome.BYPASS, region);
            return loader.get();
        }
        if (read.popular() != null) {
            RedisLink link = redis.get();
            if (link != null) {
                link.countAsync(
                        CacheWarmer.popularKey(read.region(), read.popular()), read.popular(), properties.longestTtl());
            }
        }
        CacheTags.Current current = tags.current(read.tags());
        String key = read.key() + "@" + String.join(".", current.generations());
        // an answer older than the write that invalidated its tags is not fresh, and its reload
        // must read where that write is replayed
        ReadContext.current().require(current.written());
        Lsn required = ReadContext.current().requiredLsn();

        CompletableFuture<Entry> present = region.l1.getIfPresent(key);
        if (present == null) {
            CompletableFuture<Entry> mine = new CompletableFuture<>();
            present = region.l1.asMap().putIfAbsent(key, mine);
            if (present == null) {
                return (V) loadInto(region, key, type, loader, mine, required).value();
            }
        }
        Entry entry = await(present);
        if (!fresh(entry, required)) {
            // the caller wrote after this answer was loaded: read through, keep the fresher answer
            note(Outcome.BYPASS, region);
            return (V) refresh(region, key, loader).value();
        }
        if (dueEarly(entry) && region.refreshing.add(key)) {
            try {
                note(Outcome.MISS, region);
                return (V) refresh(region, key, loader).value();
            } finally {
                region.refreshing.remove(key);
            }
        }
        note(Outcome.HIT, region);
        return (V) entry.value();
    }

    private Entry loadInto(
            Region region, String key, JavaType type, Supplier<?> loader, CompletableFuture<Entry> mine, Lsn required) {
        try {
            Entry fromL2 = fromL2(region, key, type);
            Entry entry;
            if (fromL2 != null && fresh(fromL2, required) && !dueEarly(fromL2)) {
                region.l2Hits.increment();
                note(Outcome.HIT, region);
                entry = fromL2;
            } else {
                entry = load(region, loader);
                note(Outcome.MISS, region);
                toL2(region, key, entry);
            }
            if (entry.value() == null) {
                region.l1.asMap().remove(key, mine);
            }
            mine.complete(entry);
            return entry;
        } catch (RuntimeException | Error e) {
            region.l1.asMap().remove(key, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    private Entry refresh(Region region, String key, Supplier<?> loader) {
        Entry entry = load(region, loader);
        if (entry.value() != null) {
            region.l1.put(key, CompletableFuture.completedFuture(entry));
            toL2(region, key, entry);
        }
        return entry;
    }

    private Entry load(Region region, Supplier<?> loader) {
        // the position is taken before the load: the load sees at least it (WAL replay only moves forward)
        Lsn before = seenEverywhere.get();
        long start = System.nanoTime();
        Object value = loader.get();
        // a token the request carried (or a write it made) is what the router made this load see
        Lsn seen = Lsn.max(before, ReadContext.current().requiredLsn());
        region.loads.increment();
        long delta = Math.max(1, (System.nanoTime() - start) / 1_000_000L);
        return new Entry(value, seen, delta, System.currentTimeMillis() + region.ttl.toMillis());
    }

    private Entry fromL2(Region region, String key, JavaType type) {
        RedisLink link = redis.get();
        if (link == null) {
            return null;
        }
        var text = link.get(region.name, key);
        if (text.isEmpty()) {
            return null;
        }
        try {
            Stored stored = json.readValue(text.get(), Stored.class);
            if (stored.expires() <= System.currentTimeMillis()) {
                return null;
            }
            Object value = json.treeToValue(stored.value(), type);
            return new Entry(
                    value,
                    stored.seen() == null ? null : Lsn.parse(stored.seen()).orElse(null),
                    stored.delta(),
                    stored.expires());
        } catch (RuntimeException e) {
            return null; // an entry of an older shape: load it again
        }
    }

    private void toL2(Region region, String key, Entry entry) {
        RedisLink link = redis.get();
        if (link == null || entry.value() == null) {
            return;
        }
        long left = entry.expiresAtMillis() - System.currentTimeMillis();
        if (left <= 0) {
            return;
        }
        Stored stored = new Stored(
                entry.seen() == null ? null : entry.seen().toString(),
                entry.deltaMillis(),
                entry.expiresAtMillis(),
                json.valueToTree(entry.value()));
        link.set(region.name, key, json.writeValueAsString(stored), Duration.ofMillis(left), false);
    }

    private static boolean fresh(Entry entry, Lsn required) {
        return required == null || (entry.seen() != null && entry.seen().atLeast(required));
    }

    /** XFetch: {@code now - delta * beta * ln(rand()) >= expiry}, rand in (0, 1]. */
    private static boolean dueEarly(Entry entry) {
        double rand = 1.0 - ThreadLocalRandom.current().nextDouble(); // (0, 1]
        double early = -entry.deltaMillis() * BETA * Math.log(rand);
        return System.currentTimeMillis() + early >= entry.expiresAtMillis();
    }

    private static Entry await(CompletableFuture<Entry> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while another request loaded the same answer", e);
        }
    }

    private static boolean inWriteTransaction() {
        return TransactionSynchronizationManager.isActualTransactionActive()
                && !TransactionSynchronizationManager.isCurrentTransactionReadOnly();
    }

    /** Records the outcome for the metrics and the response header (the worst of the request's reads). */
    private static void note(Outcome outcome, Region region) {
        if (region != null) {
            region.outcome(outcome);
        }
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (attributes instanceof ServletRequestAttributes servlet && servlet.getResponse() != null) {
            Outcome before = (Outcome) attributes.getAttribute(OUTCOME, RequestAttributes.SCOPE_REQUEST);
            Outcome worst = before == null || outcome.compareTo(before) > 0 ? outcome : before;
            attributes.setAttribute(OUTCOME, worst, RequestAttributes.SCOPE_REQUEST);
            if (!servlet.getResponse().isCommitted()) {
                servlet.getResponse().setHeader(HEADER, worst.header());
            }
        }
    }

    /** Every region that caches, for the console and the metrics. */
    public List<RegionStats> stats() {
        return regions.values().stream()
                .map(r -> {
                    long hits = r.outcomes.get(Outcome.HIT).sum();
                    long misses = r.outcomes.get(Outcome.MISS).sum();
                    long total = hits + misses;
                    return new RegionStats(
                            r.name,
                            r.ttl,
                            r.l1.synchronous().estimatedSize(),
                            hits,
                            misses,
                            r.outcomes.get(Outcome.BYPASS).sum(),
                            r.l2Hits.sum(),
                            r.loads.sum(),
                            r.l1.synchronous().stats().evictionCount(),
                            total == 0 ? null : (double) hits / total);
                })
                .toList();
    }

    /** Regions configured but switched off. */
    public List<String> disabled() {
        return properties.regions().keySet().stream()
                .filter(n -> !regions.containsKey(n))
                .sorted()
                .toList();
    }
}
