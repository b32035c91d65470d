package dev.classbase.ops.views;

import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * One view as {@code views status} shows it. {@code asOf} is how old its data is: the start of its
 * last successful refresh, or of a view it reads if that one is older; null when never refreshed.
 */
public record ViewStatus(
        String name,
        boolean populated,
        long estimatedRows,
        long bytes,
        Duration interval,
        OffsetDateTime lastRefresh,
        Duration lastDuration,
        OffsetDateTime asOf,
        Duration staleness,
        String lastOutcome,
        String lastError) {}
