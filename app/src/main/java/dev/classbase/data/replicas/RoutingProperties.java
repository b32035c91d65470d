package dev.classbase.data.replicas;

import dev.classbase.data.SettingBounds;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How reads are routed to replicas. Bad values are clamped with a warning that names the setting
 * (HikariCP's validateNumerics habit), so a typo never stops the server.
 *
 * @param pollInterval how often the replica monitor asks each replica where it is
 * @param maxLag a replica further behind than this (in time) leaves the rotation
 * @param maxLagBytes a replica further behind than this (in WAL bytes) leaves the rotation
 * @param readmitAfter consecutive healthy polls before a replica rejoins the rotation
 * @param pollTimeout statement timeout of one poll
 */
@ConfigurationProperties("classbase.routing")
public record RoutingProperties(
        Duration pollInterval, Duration maxLag, long maxLagBytes, int readmitAfter, Duration pollTimeout) {
    private static final Logger log = LoggerFactory.getLogger(RoutingProperties.class);

    public RoutingProperties {
        pollInterval = SettingBounds.clamp(
                "classbase.routing.poll-interval",
                pollInterval,
                Duration.ofMillis(250),
                Duration.ofMillis(20),
                Duration.ofSeconds(10));
        maxLag = SettingBounds.clamp(
                "classbase.routing.max-lag", maxLag, Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofHours(1));
        pollTimeout = SettingBounds.clamp(
                "classbase.routing.poll-timeout",
                pollTimeout,
                Duration.ofSeconds(1),
                Duration.ofMillis(50),
                Duration.ofSeconds(30));
        if (maxLagBytes <= 0) {
            maxLagBytes = 16L * 1024 * 1024; // one WAL segment
        }
        if (readmitAfter <= 0 || readmitAfter > 100) {
            if (readmitAfter != 0) {
                log.warn("classbase.routing.readmit-after={} is outside 1..100; using 3", readmitAfter);
            }
            readmitAfter = 3;
        }
    }

    public static RoutingProperties defaults() {
        return new RoutingProperties(null, null, 0, 0, null);
    }
}
