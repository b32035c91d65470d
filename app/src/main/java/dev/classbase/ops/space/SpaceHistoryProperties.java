package dev.classbase.ops.space;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Daily space snapshots ({@code classbase.console.space-history.*}): kept {@code retention} (90
 * days: a quarter's growth), deleted {@code delete-batch} rows at a time. The job wakes every {@code tick}
 * (one hour, in {@code @Scheduled}) and takes the day's snapshot once.
 */
@ConfigurationProperties("classbase.console.space-history")
record SpaceHistoryProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("90d") Duration retention,
        @DefaultValue("5000") int deleteBatch,
        @DefaultValue("60s") Duration snapshotTimeout) {
    private static final Logger log = LoggerFactory.getLogger(SpaceHistoryProperties.class);

    SpaceHistoryProperties {
        if (retention == null || retention.toDays() < 1) {
            log.warn("classbase.console.space-history.retention={} is below one day; using 1d", retention);
            retention = Duration.ofDays(1);
        }
        if (snapshotTimeout == null || snapshotTimeout.toMillis() < 1000) {
            log.warn("classbase.console.space-history.snapshot-timeout={} is below 1s; using 1s", snapshotTimeout);
            snapshotTimeout = Duration.ofSeconds(1);
        }
        if (deleteBatch < 1) {
            log.warn("classbase.console.space-history.delete-batch={} is below 1; using 1", deleteBatch);
            deleteBatch = 1;
        }
    }
}
