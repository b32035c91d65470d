package dev.classbase.ops.cache;

import dev.classbase.data.cache.CachedReads;
import dev.classbase.data.cache.Caches;
import dev.classbase.data.cache.TieredCache;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/admin/database/cache}: the two-level cache of this instance: each region of
 * answers (lifetime, L1 size, hits, misses, bypasses, L2 hits, loads, evictions, hit rate), the
 * regions switched off, the session cache, and whether Redis (L2 and the invalidation bus) answers.
 * Counts are this instance's since its start; Prometheus has every instance's.
 */
@RestController
class CacheController {
    private final Caches caches;
    private final CachedReads reads;

    CacheController(Caches caches, CachedReads reads) {
        this.caches = caches;
        this.reads = reads;
    }

    record Redis(boolean configured, boolean connected, String note) {}

    record CacheState(
            boolean enabled,
            Redis redis,
            List<CachedReads.RegionStats> regions,
            List<String> disabledRegions,
            Map<String, TieredCache.Stats> sessions) {}

    @GetMapping("/api/v1/admin/database/cache")
    CacheState cache() {
        boolean configured = caches.properties().redisUrl() != null;
        boolean connected = caches.shared();
        String note = !configured
                ? "no classbase.cache.redis-url: each instance caches alone; invalidations reach this instance only"
                : connected
                        ? "L2 and invalidation bus on Redis"
                        : "Redis does not answer: L1 and the database only until it does";
        return new CacheState(
                caches.properties().enabled(),
                new Redis(configured, connected, note),
                reads.stats(),
                reads.disabled(),
                caches.stats());
    }
}
