package dev.classbase.platform.dashboard;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The dashboard API ({@code classbase.dashboard.*}): {@code max-range-days} is the longest date range
 * one request may ask for (default 366, a school year and then some); {@code default-range-days} what
 * a request without {@code from} gets. Out-of-range values are clamped with a warning naming the setting.
 */
@ConfigurationProperties("classbase.dashboard")
record DashboardProperties(
        @DefaultValue("366") int maxRangeDays,
        @DefaultValue("30") int defaultRangeDays) {
    private static final Logger log = LoggerFactory.getLogger(DashboardProperties.class);
    private static final int CEILING = 3660;

    DashboardProperties {
        maxRangeDays = clamp("max-range-days", maxRangeDays, 1, CEILING);
        defaultRangeDays = clamp("default-range-days", defaultRangeDays, 1, maxRangeDays);
    }

    private static int clamp(String setting, int value, int min, int max) {
        int clamped = Math.max(min, Math.min(max, value));
        if (clamped != value) {
            log.warn("classbase.dashboard.{}={} is outside {}..{}; using {}", setting, value, min, max, clamped);
        }
        return clamped;
    }
}
