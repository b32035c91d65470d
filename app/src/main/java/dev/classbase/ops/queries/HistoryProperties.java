package dev.classbase.ops.queries;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Query history ({@code classbase.console.history.*}): a snapshot of pg_stat_statements every
 * {@code interval} (five minutes, PgHero's capture period for query stats), kept {@code retention}
 * (14 days), old snapshots deleted {@code delete-batch} at a time so a long backlog never holds one
 * big delete. The job wakes every {@code tick} (set in {@code @Scheduled}) and snapshots when due.
 */
@ConfigurationProperties("classbase.console.history")
record HistoryProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("5m") Duration interval,
        @DefaultValue("14d") Duration retention,
        @DefaultValue("12") int deleteBatch,
        @DefaultValue("30s") Duration snapshotTimeout) {
    private static final Logger log = LoggerFactory.getLogger(HistoryProperties.class);

    HistoryProperties {
        interval = atLeast("interval", interval, Duration.ofSeconds(10));
        retention = atLeast("retention", retention, interval.multipliedBy(2));
        snapshotTimeout = atLeast("snapshot-timeout", snapshotTimeout, Duration.ofSeconds(1));
        if (deleteBatch < 1) {
            log.warn("classbase.console.history.delete-batch={} is below 1; using 1", deleteBatch);
            deleteBatch = 1;
        }
    }

    static HistoryProperties defaults() {
        return new HistoryProperties(true, Duration.ofMinutes(5), Duration.ofDays(14), 12, Duration.ofSeconds(30));
    }

    private static Duration atLeast(String name, Duration value, Duration min) {
        if (value == null || value.compareTo(min) < 0) {
            log.warn("classbase.console.history.{}={} is below {}; using {}", name, value, min, min);
            return min;
        }
        return value;
    }
}
