package dev.classbase.data.cache;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;

/**
 * Loads the most requested answers before the instance reports ready: Spring Boot sets readiness
 * to ACCEPTING_TRAFFIC only after the application runners return. What is most requested comes
 * from the cache's own counts in Redis (a sorted set per region and tenant, {@code ZINCRBY} on
 * each read of a countable answer, kept the longest region lifetime); without Redis there is
 * nothing to warm from. Bounded by {@code classbase.cache.warm-up.timeout}: past it the instance
 * reports ready with whatever was loaded.
 */
final class CacheWarmer implements ApplicationRunner {
    /** Tenants warmed per region at most; beyond that the start would not be bounded by answers. */
    private static final int MAX_TENANTS = 1_000;

    private static final Logger log = LoggerFactory.getLogger(CacheWarmer.class);

    private final Caches caches;
    private final CachedReads reads;
    private final List<WarmUpSource> sources;
    private final RegionProperties.WarmUp settings;

    CacheWarmer(Caches caches, CachedReads reads, List<WarmUpSource> sources, RegionProperties properties) {
        this.caches = caches;
        this.reads = reads;
        this.sources = sources;
        this.settings = properties.warmUp();
    }

    /** The counts of one region and tenant; a member starts with its tenant's id and a slash. */
    static String popularKey(String region, String member) {
        int slash = member.indexOf('/');
        return "popular:" + region + ":" + (slash > 0 ? member.substring(0, slash) : "_");
    }

    @Override
    public void run(ApplicationArguments args) throws InterruptedException {
        RedisLink link = caches.link();
        Duration timeout = settings.timeout();
        if (link == null || timeout.isZero() || settings.top() == 0 || sources.isEmpty()) {
            return;
        }
        AtomicInteger done = new AtomicInteger();
        Thread worker = Thread.ofVirtual().name("cache-warm-up").start(() -> {
            for (WarmUpSource source : sources) {
                if (!reads.caches(source.region())) {
                    continue;
                }
                for (String tenantKey : link.scan("popular:" + source.region() + ":*", MAX_TENANTS)) {
                    for (String member : link.top(tenantKey, settings.top())) {
                        if (Thread.currentThread().isInterrupted()) {
                            return;
                        }
                        try {
                            source.warm(member);
                            done.incrementAndGet();
                        } catch (RuntimeException e) {
                            log.debug("cache warm-up: {} of {} not loaded", member, source.region(), e);
                        }
                    }
                }
            }
        });
        if (!worker.join(timeout)) {
            worker.interrupt();
            log.warn(
                    "cache warm-up: {} answers loaded within classbase.cache.warm-up.timeout ({}); ready without the rest",
                    done.get(),
                    timeout);
        } else {
            log.info("cache warm-up: {} answers loaded", done.get());
        }
    }
}
