package dev.classbase.ops.partitions;

import java.time.Duration;
import java.util.List;

/** What one maintenance run did, or why it did nothing. */
public record MaintenanceReport(Outcome outcome, String message, List<TableReport> tables, Duration took) {

    public enum Outcome {
        DONE,
        /** Some table failed (lock timeout, ...); the rest was done and the next run retries. */
        PARTIAL,
        /** The server is a replica or a primary in recovery. */
        SKIPPED_REPLICA,
        /** Another instance holds the cluster-wide lock. */
        SKIPPED_LOCKED,
        /**
         * The role neither owns the tables nor may execute V65's functions (the owner and
         * classbase_app may; another role, or a database where V65's grants were skipped, may not).
         */
        SKIPPED_NOT_OWNER
    }

    /**
     * Per monthly table: partitions created, rows moved out of the default partition, expired
     * partitions detached (then dropped or archived), and errors.
     */
    public record TableReport(
            String table, List<String> created, long movedFromDefault, List<String> expired, List<String> errors) {}

    public boolean skipped() {
        return outcome.name().startsWith("SKIPPED");
    }
}
