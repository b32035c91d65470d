package dev.classbase.ops.rollups;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Incremental rollups ({@code classbase.rollups.*}). The tick ({@code classbase.rollups.tick},
 * default one minute) is how often the scheduler drains the inbox; {@code run-timeout} bounds one
 * run (a rebuild aggregates all history; a normal run only the new events). Out-of-range timeouts
 * are clamped with a warning naming the setting.
 */
@ConfigurationProperties("classbase.rollups")
public record RollupProperties(
        @DefaultValue("true") boolean schedulerEnabled,
        @DefaultValue("30m") Duration runTimeout) {
    private static final Logger log = LoggerFactory.getLogger(RollupProperties.class);
    private static final Duration MIN = Duration.ofSeconds(10);
    private static final Duration MAX = Duration.ofHours(6);

    public RollupProperties {
        if (runTimeout == null) {
            throw new IllegalArgumentException("classbase.rollups.run-timeout must be a duration");
        }
        if (runTimeout.compareTo(MIN) < 0 || runTimeout.compareTo(MAX) > 0) {
            Duration clamped = runTimeout.compareTo(MIN) < 0 ? MIN : MAX;
            log.warn("classbase.rollups.run-timeout={} is outside {}..{}; using {}", runTimeout, MIN, MAX, clamped);
            runTimeout = clamped;
        }
    }

    /** The defaults, as the command line uses them. */
    public static RollupProperties defaults() {
        return new RollupProperties(true, Duration.ofMinutes(30));
    }
}
