package dev.classbase.data.pool;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Pool sizes and timeouts per role. A size of 0 means "from the calculator" ({@code ./classbase
 * pool-size}); bad values are clamped with a warning naming the setting.
 *
 * @param pgbouncer the URLs point at PgBouncer in transaction mode: no server-side prepared
 *     statements ({@code prepareThreshold=0}) and no session settings in the startup packet
 */
@ConfigurationProperties("classbase.pools")
public record PoolProperties(Role primary, Role replica, Role analytics, boolean pgbouncer) {
    private static final Logger log = LoggerFactory.getLogger(PoolProperties.class);

    public PoolProperties {
        primary = (primary == null ? Role.unset() : primary)
                .validated("primary", Duration.ofSeconds(5), Duration.ofSeconds(30));
        replica = (replica == null ? Role.unset() : replica)
                .validated("replica", Duration.ofSeconds(5), Duration.ofSeconds(30));
        analytics = (analytics == null ? Role.unset() : analytics)
                .validated("analytics", Duration.ofSeconds(10), Duration.ofMinutes(2));
    }

    /**
     * One role's pool.
     *
     * @param maxSize most connections (0: from the calculator)
     * @param minIdle connections kept open when idle
     * @param connectionTimeout how long a request waits for a connection before it gets a 503
     * @param statementTimeout server-side limit for one statement on this role's connections
     */
    public record Role(int maxSize, int minIdle, Duration connectionTimeout, Duration statementTimeout) {
        static Role unset() {
            return new Role(0, -1, null, null);
        }

        Role validated(String name, Duration defaultConnectionTimeout, Duration defaultStatementTimeout) {
            int max = maxSize;
            if (max < 0 || max > 1000) {
                log.warn("classbase.pools.{}.max-size={} is outside 0..1000; using the calculator's size", name, max);
                max = 0;
            }
            int min = minIdle;
            if (max > 0 && min > max) {
                log.warn("classbase.pools.{}.min-idle={} is above max-size={}; using {}", name, min, max, max);
                min = max;
            }
            Duration ct = connectionTimeout == null ? defaultConnectionTimeout : connectionTimeout;
            if (ct.toMillis() < 250) {
                // HikariCP's own floor for connectionTimeout
                log.warn("classbase.pools.{}.connection-timeout={} is below 250 ms; using 250 ms", name, ct);
                ct = Duration.ofMillis(250);
            }
            Duration st = statementTimeout == null ? defaultStatementTimeout : statementTimeout;
            return new Role(max, min, ct, st);
        }
    }
}
