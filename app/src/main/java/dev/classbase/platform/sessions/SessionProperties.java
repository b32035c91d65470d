package dev.classbase.platform.sessions;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Sign-in sessions: how long a token lives and how the expiry cleanup deletes ({@code
 * classbase.sessions.*}). Out-of-range values are clamped with a warning naming the setting.
 */
@ConfigurationProperties("classbase.sessions")
public record SessionProperties(
        @DefaultValue("12h") Duration ttl,
        @DefaultValue("5000") int cleanupBatch,
        @DefaultValue("1h") Duration cleanupInterval) {
    private static final Logger log = LoggerFactory.getLogger(SessionProperties.class);

    public SessionProperties {
        if (ttl.compareTo(Duration.ofMinutes(1)) < 0 || ttl.compareTo(Duration.ofDays(90)) > 0) {
            Duration clamped = ttl.compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : Duration.ofDays(90);
            log.warn("classbase.sessions.ttl={} is outside 1m..90d; using {}", ttl, clamped);
            ttl = clamped;
        }
        if (cleanupBatch < 100 || cleanupBatch > 100_000) {
            int clamped = Math.max(100, Math.min(100_000, cleanupBatch));
            log.warn("classbase.sessions.cleanup-batch={} is outside 100..100000; using {}", cleanupBatch, clamped);
            cleanupBatch = clamped;
        }
    }
}
