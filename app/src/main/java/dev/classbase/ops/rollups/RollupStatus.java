package dev.classbase.ops.rollups;

import java.time.LocalDate;
import java.time.OffsetDateTime;

/**
 * The rollups' watermark ({@code lastSeq}, the last inbox position processed, and {@code lastRunAt},
 * the time every event committed before is included) and the events waiting for the next run.
 */
public record RollupStatus(
        boolean initialized,
        long lastSeq,
        OffsetDateTime lastRunAt,
        Long lastRows,
        Long lastPairs,
        Long lastDurationMs,
        OffsetDateTime lastFullAt,
        long pendingRows,
        LocalDate oldestPendingDay,
        LocalDate newestPendingDay,
        long rollupDays,
        boolean replica) {}
