package dev.classbase.data.cache;

import dev.classbase.data.replicas.ReplicaMonitor;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({CacheProperties.class, RegionProperties.class})
class CacheConfig {

    @Bean(destroyMethod = "close")
    Caches caches(CacheProperties properties, ObjectProvider<MeterRegistry> meters) {
        return new Caches(properties, Clock.systemUTC(), meters.getIfAvailable());
    }

    @Bean
    CacheTags cacheTags(Caches caches, RegionProperties regions, ObjectProvider<MeterRegistry> meters) {
        return new CacheTags(caches::link, caches, regions.longestTtl(), meters.getIfAvailable());
    }

    @Bean
    CachedReads cachedReads(
            Caches caches,
            CacheTags tags,
            RegionProperties regions,
            JsonMapper json,
            ObjectProvider<ReplicaMonitor> monitor,
            ObjectProvider<MeterRegistry> meters) {
        ReplicaMonitor replicas = monitor.getIfAvailable();
        return new CachedReads(
                regions,
                caches.properties().enabled(),
                caches::link,
                tags,
                json,
                replicas == null ? () -> null : replicas::seenEverywhere,
                meters.getIfAvailable());
    }

    @Bean
    CacheWarmer cacheWarmer(
            Caches caches, CachedReads reads, ObjectProvider<WarmUpSource> sources, RegionProperties regions) {
        return new CacheWarmer(caches, reads, sources.orderedStream().toList(), regions);
    }
}
