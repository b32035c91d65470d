package dev.classbase.ops.alerts;

import java.time.Instant;
import java.util.List;

/**
 * One evaluation: what was read, whether this instance was the runner (only the runner changes
 * alerts), the changes it made and the alerts firing after it.
 */
record Evaluation(
        Instant at,
        Outcome outcome,
        List<Reading> readings,
        List<Change> changes,
        List<Notification> notifications,
        List<Alert> firing) {
    enum Outcome {
        RAN,
        /** Another instance holds the runner lock: this one only read its signals. */
        SKIPPED_LOCKED,
        /** The configured primary is in recovery: nothing can be written. */
        SKIPPED_REPLICA
    }

    /** An alert that started firing, changed severity, or resolved. */
    record Change(String what, Alert alert) {}
}
