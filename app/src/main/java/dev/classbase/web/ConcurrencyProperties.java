package dev.classbase.web;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The instance's bound on requests in progress ({@code classbase.web.concurrency.*}).
 *
 * @param limit requests served at once; 0 (the default) sizes it from the pools: {@link
 *     ConcurrencyLimitFilter#PER_CONNECTION} requests per database connection of the primary and
 *     replica pools
 * @param maxWait how long a request past the limit waits for a slot before its 503 (default 50 ms:
 *     a burst is smoothed, a sustained excess is answered at once)
 * @param retryAfter the Retry-After the 503 sends (default 1 s)
 * @param writeShare the share of the limit that requests other than GET, HEAD and OPTIONS may hold
 *     at once (default 0.5): writes wait on the primary, and while it cannot be reached (a failover,
 *     its PgBouncer restarting, its pool held) they would otherwise take every slot and leave none
 *     for reads that replicas could serve
 */
@ConfigurationProperties("classbase.web.concurrency")
record ConcurrencyProperties(int limit, Duration maxWait, Duration retryAfter, Double writeShare) {
    private static final Logger log = LoggerFactory.getLogger(ConcurrencyProperties.class);

    ConcurrencyProperties {
        if (limit < 0) {
            log.warn("classbase.web.concurrency.limit={} is negative; sizing it from the pools", limit);
            limit = 0;
        }
        maxWait = maxWait == null || maxWait.isNegative() ? Duration.ofMillis(50) : maxWait;
        retryAfter = retryAfter == null || retryAfter.toSeconds() < 1 ? Duration.ofSeconds(1) : retryAfter;
        if (writeShare == null) {
            writeShare = 0.5;
        } else if (!(writeShare > 0 && writeShare <= 1)) {
            log.warn("classbase.web.concurrency.write-share={} is not in (0, 1]; using 0.5", writeShare);
            writeShare = 0.5;
        }
    }

    /** The writes' part of {@code limit}: at least one. */
    int writeLimit(int limit) {
        return Math.max(1, (int) Math.floor(limit * writeShare));
    }
}
