package dev.classbase.ops.rollups;

import java.time.Duration;

/**
 * One run: {@code ran} (drained the inbox), {@code rebuilt} (from the raw tables),
 * {@code skipped_running} (another instance is running) or {@code skipped_replica}.
 */
public record RollupRun(String outcome, long inboxRows, long pairs, Duration took, String detail) {
    public boolean ran() {
        return outcome.equals("ran") || outcome.equals("rebuilt");
    }
}
