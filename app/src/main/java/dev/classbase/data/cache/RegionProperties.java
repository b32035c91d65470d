package dev.classbase.data.cache;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The regions of cached answers ({@code classbase.cache.regions.<name>.ttl}, {@code .max-entries},
 * {@code .enabled}) and the warm-up at start ({@code classbase.cache.warm-up.*}). Unlike the
 * session settings, a bad value here fails the start naming its key: a region's lifetime is the
 * bound on how stale an answer can be when an invalidation is lost, so it is never guessed.
 *
 * @param regions per region; a region not named keeps its defaults
 * @param warmUp how long the start may spend loading the most requested answers, and how many per kind
 */
@ConfigurationProperties("classbase.cache")
public record RegionProperties(Map<String, Region> regions, WarmUp warmUp) {
    /** A user's own answers: enrollments, progress, streak, profile, exercise lists. */
    public static final String USER = "user";
    /** Catalog pages and course detail. */
    public static final String CATALOG = "catalog";
    /** Dashboard answers, read from rollups and materialized views refreshed on a schedule. */
    public static final String ANALYTICS = "analytics";
    /** Answers that change only with a deployment or an authoring change. */
    public static final String STATIC = "static";

    static final Map<String, Region> DEFAULTS = Map.of(
            USER, new Region(Duration.ofMinutes(5), 50_000L, true),
            CATALOG, new Region(Duration.ofMinutes(30), 20_000L, true),
            ANALYTICS, new Region(Duration.ofHours(1), 5_000L, true),
            STATIC, new Region(Duration.ofHours(24), 5_000L, true));

    /** One region's settings; null components take the region's default. */
    public record Region(Duration ttl, Long maxEntries, Boolean enabled) {}

    /**
     * @param timeout the most the start waits for warm-up before reporting ready (0 turns it off)
     * @param top how many of the most requested answers per tenant and kind are loaded
     */
    public record WarmUp(Duration timeout, Integer top) {}

    public RegionProperties {
        Map<String, Region> merged = new LinkedHashMap<>();
        Map<String, Region> given = regions == null ? Map.of() : regions;
        for (String name : given.keySet()) {
            if (!DEFAULTS.containsKey(name)) {
                throw new IllegalArgumentException("classbase.cache.regions." + name
                        + ": no such region (known: " + String.join(", ", new java.util.TreeSet<>(DEFAULTS.keySet()))
                        + ")");
            }
        }
        for (String name : new java.util.TreeSet<>(DEFAULTS.keySet())) {
            Region d = DEFAULTS.get(name);
            Region r = given.getOrDefault(name, d);
            String key = "classbase.cache.regions." + name;
            Duration ttl = r.ttl() == null ? d.ttl() : r.ttl();
            if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofDays(7)) > 0) {
                throw new IllegalArgumentException(key + ".ttl must be more than 0 and at most 7 days, was " + ttl);
            }
            long max = r.maxEntries() == null ? d.maxEntries() : r.maxEntries();
            if (max < 1 || max > 10_000_000) {
                throw new IllegalArgumentException(key + ".max-entries must be between 1 and 10000000, was " + max);
            }
            merged.put(name, new Region(ttl, max, r.enabled() == null || r.enabled()));
        }
        regions = Map.copyOf(merged);
        Duration timeout = warmUp == null || warmUp.timeout() == null ? Duration.ofSeconds(10) : warmUp.timeout();
        if (timeout.isNegative() || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException(
                    "classbase.cache.warm-up.timeout must be between 0 and 10 minutes, was " + timeout);
        }
        int top = warmUp == null || warmUp.top() == null ? 20 : warmUp.top();
        if (top < 0 || top > 1_000) {
            throw new IllegalArgumentException("classbase.cache.warm-up.top must be between 0 and 1000, was " + top);
        }
        warmUp = new WarmUp(timeout, top);
    }

    public static RegionProperties defaults() {
        return new RegionProperties(null, null);
    }

    /** The longest lifetime of any region: generation keys in Redis outlive every entry keyed by them. */
    Duration longestTtl() {
        return regions.values().stream()
                .map(Region::ttl)
                .max(Duration::compareTo)
                .orElseThrow();
    }
}
