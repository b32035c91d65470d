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
 */
@ConfigurationProperties("classbase.web.concurrency")
record ConcurrencyProperties(int limit, Duration maxWait, Duration retryAfter) {
    private static final Logger log = LoggerFactory.getLogger(ConcurrencyProperties.class);

    ConcurrencyProperties {
        if (limit < 0) {
            log.warn("classbase.web.concurrency.limit={} is negative; sizing it from the pools", limit);
            limit = 0;
        }
        maxWait = maxWait == null || maxWait.isNegative() ? Duration.ofMillis(50) : maxWait;
        retryAfter = retryAfter == null || retryAfter.toSeconds() < 1 ? Duration.ofSeconds(1) : retryAfter;
    }
}
