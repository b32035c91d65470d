package dev.classbase.ops.views;

import java.time.Duration;
import java.util.List;

/** One scheduled pass over the views, in dependency order. */
public record RefreshPass(Outcome outcome, String message, List<RefreshResult> views, Duration took) {

    public enum Outcome {
        /** this instance ran the pass (each view's result says what it did) */
        RAN,
        /** another runner (instance or CLI) holds the cluster's runner lock: nothing done */
        SKIPPED_LOCKED,
        /** the server is a replica: nothing done */
        SKIPPED_REPLICA
    }

    public RefreshPass {
        views = List.copyOf(views);
    }
}
