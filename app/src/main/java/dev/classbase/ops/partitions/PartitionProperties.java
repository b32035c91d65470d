package dev.classbase.ops.partitions;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Partition maintenance ({@code classbase.partitions.*}): how many monthly partitions are kept
 * ready ahead, how long each table keeps its months, and what happens to an expired month.
 *
 * <p>{@code retention-months} maps a table to the months it keeps; a table not named keeps
 * everything, and 0 means "keep forever" (so a default can be switched off). Spring drops the
 * underscore of an unbracketed map key, so write {@code retention-months.learning-sessions=24} or
 * {@code retention-months[learning_sessions]=24}; both name {@code learning_sessions}.
 * Out-of-range values are clamped with a warning naming the setting; malformed names fail at start.
 */
@ConfigurationProperties("classbase.partitions")
public record PartitionProperties(
        @DefaultValue("4") int monthsAhead,
        Map<String, Integer> retentionMonths,
        @DefaultValue("drop") RetentionAction retentionAction,
        @DefaultValue("archive") String archiveSchema,
        @DefaultValue("5s") Duration lockTimeout) {
    private static final Logger log = LoggerFactory.getLogger(PartitionProperties.class);

    /** Default {@code retention-months}: analytics events 18, activity logs 3. */
    static final Map<String, Integer> DEFAULT_RETENTION = Map.of("analytics_events", 18, "activity_logs", 3);

    /** What becomes of a partition once detached. */
    public enum RetentionAction {
        DROP,
        ARCHIVE
    }

    public PartitionProperties {
        if (monthsAhead < 1 || monthsAhead > 36) {
            int clamped = Math.max(1, Math.min(36, monthsAhead));
            log.warn("classbase.partitions.months-ahead={} is outside 1..36; using {}", monthsAhead, clamped);
            monthsAhead = clamped;
        }
        Map<String, Integer> retention = new LinkedHashMap<>(DEFAULT_RETENTION);
        if (retentionMonths != null) {
            retentionMonths.forEach((table, months) -> {
                String name = table.toLowerCase(Locale.ROOT).replace('-', '_');
                if (!name.matches("[a-z_][a-z0-9_]*")) {
                    throw new IllegalArgumentException(
                            "classbase.partitions.retention-months: '" + table + "' is not a table name");
                }
                if (months == null || months < 0) {
                    log.warn("classbase.partitions.retention-months.{}={} is negative; keeping forever", name, months);
                    months = 0;
                }
                retention.put(name, months);
            });
        }
        retention.values().removeIf(months -> months == 0);
        retentionMonths = Map.copyOf(retention);
        if (!archiveSchema.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException(
                    "classbase.partitions.archive-schema must be a lower-case identifier, was '" + archiveSchema + "'");
        }
        // long enough for a busy table's queries to finish, short enough that the queue of
        // statements waiting behind the DETACH's exclusive lock never becomes an outage
        if (lockTimeout.compareTo(Duration.ofMillis(100)) < 0 || lockTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
            Duration clamped =
                    lockTimeout.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : Duration.ofMinutes(1);
            log.warn("classbase.partitions.lock-timeout={} is outside 100ms..1m; using {}", lockTimeout, clamped);
            lockTimeout = clamped;
        }
    }

    /** The defaults, as the command line uses them. */
    public static PartitionProperties defaults() {
        return new PartitionProperties(4, null, RetentionAction.DROP, "archive", Duration.ofSeconds(5));
    }

    /** Months a table keeps, or 0 when it keeps everything. */
    public int retentionOf(String table) {
        return retentionMonths.getOrDefault(table, 0);
    }
}
