package dev.classbase.data.watch;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the query watch. Bad values are clamped with a warning that names the setting, as
 * HikariCP's {@code validateNumerics} does, so a typo never stops the server.
 *
 * @param enabled wrap the pools at all
 * @param headerEnabled send {@code Classbase-Query-Count} on every response
 * @param nPlusOneThreshold executions of one shape in one scope that are still fine; one more is an
 *     N+1
 * @param slowWarn a statement at least this long is logged at WARN
 * @param slowCritical a statement at least this long is logged at ERROR as critical
 */
@ConfigurationProperties("classbase.query-watch")
public record QueryWatchProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("true") boolean headerEnabled,
        @DefaultValue("5") int nPlusOneThreshold,
        @DefaultValue("500ms") Duration slowWarn,
        @DefaultValue("5s") Duration slowCritical) {

    private static final Logger log = LoggerFactory.getLogger(QueryWatchProperties.class);
    private static final String PREFIX = "classbase.query-watch.";
    static final int DEFAULT_THRESHOLD = 5;
    static final Duration DEFAULT_SLOW_WARN = Duration.ofMillis(500);
    static final Duration DEFAULT_SLOW_CRITICAL = Duration.ofSeconds(5);

    public QueryWatchProperties {
        if (nPlusOneThreshold < 1) {
            // 0 would flag every statement that runs twice; 1 is the strictest meaningful value
            log.warn("{}n-plus-one-threshold was {}, using 1", PREFIX, nPlusOneThreshold);
            nPlusOneThreshold = 1;
        }
        if (slowWarn == null || slowWarn.isNegative() || slowWarn.isZero()) {
            log.warn("{}slow-warn was {}, using {}", PREFIX, slowWarn, DEFAULT_SLOW_WARN);
            slowWarn = DEFAULT_SLOW_WARN;
        }
        if (slowCritical == null || slowCritical.compareTo(slowWarn) < 0) {
            Duration clamped = slowCritical == null ? max(DEFAULT_SLOW_CRITICAL, slowWarn) : slowWarn;
            log.warn("{}slow-critical was {}, below slow-warn {}; using {}", PREFIX, slowCritical, slowWarn, clamped);
            slowCritical = clamped;
        }
    }

    /** The defaults, as an application without settings gets them. */
    public static QueryWatchProperties defaults() {
        return new QueryWatchProperties(true, true, DEFAULT_THRESHOLD, DEFAULT_SLOW_WARN, DEFAULT_SLOW_CRITICAL);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
