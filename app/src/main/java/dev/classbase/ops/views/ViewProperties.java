package dev.classbase.ops.views;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Materialized view refresh ({@code classbase.views.*}).
 *
 * <p>{@code intervals} maps a view to its refresh interval, over {@code default-interval}; a view
 * may be named with or without its {@code mv_} prefix, with dashes or underscores
 * ({@code intervals.user-learning-summary=30m}). DOMAIN.md's defaults: hourly, the user learning
 * summary every 30 minutes. {@code refresh-timeout} bounds one refresh (the pool's statement timeout
 * is made for requests, not for aggregating all history). Out-of-range values are clamped with a
 * warning naming the setting; an unknown view fails at start. The scheduler's tick
 * ({@code classbase.views.tick}, default one minute) only says how soon a due view is noticed.
 */
@ConfigurationProperties("classbase.views")
public record ViewProperties(
        @DefaultValue("true") boolean schedulerEnabled,
        @DefaultValue("1h") Duration defaultInterval,
        Map<String, Duration> intervals,
        @DefaultValue("30m") Duration refreshTimeout) {
    private static final Logger log = LoggerFactory.getLogger(ViewProperties.class);

    static final Map<String, Duration> DEFAULT_INTERVALS = Map.of("mv_user_learning_summary", Duration.ofMinutes(30));
    private static final Duration MIN_INTERVAL = Duration.ofMinutes(1);
    private static final Duration MAX_INTERVAL = Duration.ofDays(7);

    public ViewProperties {
        defaultInterval = clamp("default-interval", defaultInterval, MIN_INTERVAL, MAX_INTERVAL);
        Map<String, Duration> merged = new LinkedHashMap<>(DEFAULT_INTERVALS);
        if (intervals != null) {
            intervals.forEach((key, value) -> {
                String name = viewName(key);
                if (ViewRegistry.STANDARD.find(name).isEmpty()) {
                    throw new IllegalArgumentException("classbase.views.intervals: '" + key + "' is not a view; known: "
                            + ViewRegistry.STANDARD.names());
                }
                merged.put(name, clamp("intervals." + key, value, MIN_INTERVAL, MAX_INTERVAL));
            });
        }
        intervals = Map.copyOf(merged);
        refreshTimeout = clamp("refresh-timeout", refreshTimeout, Duration.ofSeconds(10), Duration.ofHours(6));
    }

    /** The defaults, as the command line uses them. */
    public static ViewProperties defaults() {
        return new ViewProperties(true, Duration.ofHours(1), null, Duration.ofMinutes(30));
    }

    Duration intervalOf(String view) {
        return intervals.getOrDefault(view, defaultInterval);
    }

    static String viewName(String key) {
        String name = key.toLowerCase(Locale.ROOT).replace('-', '_');
        return name.startsWith("mv_") ? name : "mv_" + name;
    }

    private static Duration clamp(String setting, Duration value, Duration min, Duration max) {
        if (value == null) {
            throw new IllegalArgumentException("classbase.views." + setting + " must be a duration");
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            Duration clamped = value.compareTo(min) < 0 ? min : max;
            log.warn("classbase.views.{}={} is outside {}..{}; using {}", setting, value, min, max, clamped);
            return clamped;
        }
        return value;
    }
}
