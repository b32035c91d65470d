package dev.classbase.ops.alerts;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Alerts ({@code classbase.alerts.*}). Default thresholds: slow query 1 s / critical 5 s,
 * connections 80 %, error rate 5 %, cache hit 95 %, replication lag 60 s, disk 85 %, a lock waited on over 5 s; a cooldown of 5
 * minutes; the repeat interval is Alertmanager's default (4 h).
 * Out-of-range values are clamped with a warning naming the setting; a webhook URL that is not
 * http(s) fails at start.
 *
 * @param schedulerEnabled whether the evaluator runs by itself every {@code interval}
 * @param interval how often the evaluator runs (also read by the scheduler)
 * @param cooldown a rule's firing is not notified again within this time (default 5 minutes)
 * @param repeatInterval a rule that keeps firing is re-notified after this long
 * @param retention resolved alerts older than this are deleted (in batches)
 * @param slowQueryIgnoreApplications application_name patterns (LIKE) whose statements are long by
 *     design (the analytics pools' reports, pg_dump) and never make a slow query
 * @param errorRateMinRequests fewer requests in the window say nothing (1 failure of 2 is not 50 %)
 * @param lockWait a backend waiting on a lock for longer than this counts in the lock_waits rule
 */
@ConfigurationProperties("classbase.alerts")
public record AlertProperties(
        @DefaultValue("true") boolean schedulerEnabled,
        @DefaultValue("30s") Duration interval,
        @DefaultValue("5m") Duration cooldown,
        @DefaultValue("4h") Duration repeatInterval,
        @DefaultValue("30d") Duration retention,
        @DefaultValue("1s") Duration slowQueryWarning,
        @DefaultValue("5s") Duration slowQueryCritical,
        @DefaultValue({"pg_dump", "classbase-analytics-%"}) List<String> slowQueryIgnoreApplications,
        @DefaultValue("80") double connectionsPercent,
        @DefaultValue("5") double errorRatePercent,
        @DefaultValue("5m") Duration errorRateWindow,
        @DefaultValue("20") long errorRateMinRequests,
        @DefaultValue("95") double cacheHitPercent,
        @DefaultValue("60s") Duration replicationLag,
        @DefaultValue("85") double diskPercent,
        @DefaultValue("5s") Duration checkTimeout,
        URI webhookUrl,
        @DefaultValue("5s") Duration webhookTimeout,
        @DefaultValue("5") int webhookAttempts,
        @DefaultValue("1s") Duration webhookBackoff,
        @DefaultValue("5s") Duration lockWait) {
    private static final Logger log = LoggerFactory.getLogger(AlertProperties.class);

    public AlertProperties {
        interval = atLeast("interval", interval, Duration.ofSeconds(1));
        cooldown = atLeast("cooldown", cooldown, Duration.ZERO);
        repeatInterval = atLeast("repeat-interval", repeatInterval, cooldown);
        retention = atLeast("retention", retention, Duration.ofDays(1));
        slowQueryWarning = atLeast("slow-query-warning", slowQueryWarning, Duration.ofMillis(100));
        slowQueryCritical = atLeast("slow-query-critical", slowQueryCritical, slowQueryWarning);
        slowQueryIgnoreApplications =
                slowQueryIgnoreApplications == null ? List.of() : List.copyOf(slowQueryIgnoreApplications);
        connectionsPercent = within("connections-percent", connectionsPercent, 1, 100);
        errorRatePercent = within("error-rate-percent", errorRatePercent, 0, 100);
        errorRateWindow = atLeast("error-rate-window", errorRateWindow, interval);
        errorRateMinRequests = (long) within("error-rate-min-requests", errorRateMinRequests, 1, Long.MAX_VALUE);
        cacheHitPercent = within("cache-hit-percent", cacheHitPercent, 0, 100);
        replicationLag = atLeast("replication-lag", replicationLag, Duration.ofMillis(100));
        diskPercent = within("disk-percent", diskPercent, 1, 100);
        checkTimeout = atLeast("check-timeout", checkTimeout, Duration.ofMillis(100));
        webhookTimeout = atLeast("webhook-timeout", webhookTimeout, Duration.ofMillis(100));
        webhookAttempts = (int) within("webhook-attempts", webhookAttempts, 1, 10);
        webhookBackoff = atLeast("webhook-backoff", webhookBackoff, Duration.ofMillis(1));
        lockWait = atLeast("lock-wait", lockWait, Duration.ofMillis(100));
        if (webhookUrl != null
                && (webhookUrl.getHost() == null
                        || !("http".equals(webhookUrl.getScheme()) || "https".equals(webhookUrl.getScheme())))) {
            throw new IllegalArgumentException(
                    "classbase.alerts.webhook-url must be an http(s) URL with a host, not '" + webhookUrl + "'");
        }
    }

    /** The default values, for tests and tools that build the evaluator without Spring. */
    public static AlertProperties defaults() {
        return new AlertProperties(
                true,
                Duration.ofSeconds(30),
                Duration.ofMinutes(5),
                Duration.ofHours(4),
                Duration.ofDays(30),
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                List.of("pg_dump", "classbase-analytics-%"),
                80,
                5,
                Duration.ofMinutes(5),
                20,
                95,
                Duration.ofSeconds(60),
                85,
                Duration.ofSeconds(5),
                null,
                Duration.ofSeconds(5),
                5,
                Duration.ofSeconds(1),
                Duration.ofSeconds(5));
    }

    private static Duration atLeast(String name, Duration value, Duration min) {
        if (value == null || value.compareTo(min) < 0) {
            log.warn("classbase.alerts.{}={} is below {}; using {}", name, value, min, min);
            return min;
        }
        return value;
    }

    private static double within(String name, double value, double min, double max) {
        if (Double.isNaN(value) || value < min || value > max) {
            double clamped = Double.isNaN(value) ? min : Math.max(min, Math.min(max, value));
            log.warn("classbase.alerts.{}={} is outside [{}, {}]; using {}", name, value, min, max, clamped);
            return clamped;
        }
        return value;
    }
}
