package dev.classbase.ops.views;

import java.time.Duration;

/** What one request to refresh one view did. */
public record RefreshResult(String view, Outcome outcome, Boolean concurrently, Duration took, String detail) {

    public enum Outcome {
        /** refreshed (concurrently, or plainly when it was not populated yet) */
        REFRESHED,
        /** a refresh of the same view was running (another instance, the CLI): not started */
        SKIPPED_RUNNING,
        /** the server is a replica: views are refreshed on the primary */
        SKIPPED_REPLICA,
        /** a view it reads could not be refreshed: refreshing it would fail or copy stale rows */
        SKIPPED_DEPENDENCY,
        /** not due yet (scheduled passes only) */
        FRESH,
        FAILED;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
