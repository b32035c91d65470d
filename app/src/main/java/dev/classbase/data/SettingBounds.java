package dev.classbase.data;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validation shared by the settings records: a bad value is clamped with a warning that names the
 * setting (HikariCP's validateNumerics habit), so a typo never stops the server.
 */
public final class SettingBounds {
    private static final Logger log = LoggerFactory.getLogger(SettingBounds.class);

    private SettingBounds() {}

    /** {@code fallback} when unset; {@code min} or {@code max} (with a warning) when outside them. */
    public static Duration clamp(String name, Duration value, Duration fallback, Duration min, Duration max) {
        if (value == null) {
            return fallback;
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            Duration clamped = value.compareTo(min) < 0 ? min : max;
            log.warn("{}={} is outside {}..{}; using {}", name, value, min, max, clamped);
            return clamped;
        }
        return value;
    }
}
