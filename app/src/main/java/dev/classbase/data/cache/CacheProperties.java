package dev.classbase.data.cache;

import dev.classbase.data.SettingBounds;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The two-level cache: L1 in each instance (Caffeine), L2 and the invalidation bus in Redis when
 * {@code redisUrl} is set. Bad values are clamped with a warning that names the setting.
 *
 * @param enabled false turns every cache off (each lookup goes to the database)
 * @param redisUrl {@code redis://host:port}; without it the cache is L1 only and invalidations
 *     reach this instance only, so other instances serve a stale entry for at most its time to live
 * @param sessionTtl the longest a signed-in token is trusted without asking the database: the bound
 *     on a sign-out's delay when the invalidation bus is down or not configured
 * @param maxEntries L1 entries per region
 * @param redisTimeout a Redis command slower than this is abandoned and the cache goes to the
 *     database (Redis is an accelerator, never a dependency)
 */
@ConfigurationProperties("classbase.cache")
public record CacheProperties(
        Boolean enabled, String redisUrl, Duration sessionTtl, long maxEntries, Duration redisTimeout) {
    public CacheProperties {
        enabled = enabled == null || enabled;
        redisUrl = redisUrl == null || redisUrl.isBlank() ? null : redisUrl.trim();
        sessionTtl = SettingBounds.clamp(
                "classbase.cache.session-ttl",
                sessionTtl,
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                Duration.ofMinutes(10));
        redisTimeout = SettingBounds.clamp(
                "classbase.cache.redis-timeout",
                redisTimeout,
                Duration.ofMillis(250),
                Duration.ofMillis(10),
                Duration.ofSeconds(5));
        if (maxEntries <= 0) {
            maxEntries = 100_000;
        }
    }

    public static CacheProperties defaults() {
        return new CacheProperties(null, null, null, 0, null);
    }
}
