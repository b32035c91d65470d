package dev.classbase.ops.maintenance;

import com.fasterxml.jackson.annotation.JsonValue;

/** What became of one maintenance target; the label is what the API, the CLI and the logs say. */
public enum TargetOutcome {
    DONE("done"),
    FAILED("failed"),
    /** Not run: below its threshold, locked by someone else (SKIP_LOCKED), or not allowed. */
    SKIPPED("skipped"),
    /** A dry run's answer for a target over its threshold. */
    WOULD_RUN("would run");

    private final String label;

    TargetOutcome(String label) {
        this.label = label;
    }

    @JsonValue
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
