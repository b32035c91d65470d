package dev.classbase.ops.views;

import dev.classbase.data.pool.Pools;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code ./classbase views status} for the console; admin-only by the authentication filter's
 * {@code /api/v1/admin/**} rule. Read-only and bounded. Durations are numbers (seconds, or
 * milliseconds for a refresh), null where there is nothing to say yet (never refreshed).
 */
@RestController
class ViewsController {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final ViewRefresher refresher;

    ViewsController(Pools pools, ViewProperties properties) {
        // the primary: the refresh bookkeeping is written there (a replica has it too, a moment later)
        this.refresher = new ViewRefresher(pools.primary(), properties, Clock.systemUTC());
    }

    record View(
            String name,
            boolean populated,
            long estimatedRows,
            long bytes,
            long intervalSeconds,
            OffsetDateTime lastRefresh,
            Long lastDurationMs,
            OffsetDateTime asOf,
            Long stalenessSeconds,
            boolean stale,
            String lastOutcome,
            String lastError) {}

    record Report(List<View> views) {}

    @GetMapping("/api/v1/admin/database/views")
    Report views() throws SQLException {
        return new Report(refresher.status(TIMEOUT).stream()
                .map(v -> new View(
                        v.name(),
                        v.populated(),
                        v.estimatedRows(),
                        v.bytes(),
                        v.interval().toSeconds(),
                        v.lastRefresh(),
                        v.lastDuration() == null ? null : v.lastDuration().toMillis(),
                        v.asOf(),
                        v.staleness() == null ? null : v.staleness().toSeconds(),
                        // older than two intervals: at least one scheduled refresh was missed
                        v.staleness() == null
                                || v.staleness().compareTo(v.interval().multipliedBy(2)) > 0,
                        v.lastOutcome(),
                        v.lastError()))
                .toList());
    }
}
