package dev.classbase.ops.alerts;

import java.time.Instant;

/**
 * One alert as stored (V63's {@code alerts}): a rule that broke its threshold from {@code since},
 * {@code firing} until it is {@code resolved} at {@code resolvedAt}; the last value read and the
 * threshold it broke, where that threshold comes from, when it was last notified and how the last
 * webhook delivery went.
 */
record Alert(
        long id,
        String rule,
        String severity,
        String state,
        double value,
        double threshold,
        String unit,
        String summary,
        String source,
        Instant since,
        Instant evaluatedAt,
        Instant resolvedAt,
        Instant notifiedAt,
        String notifiedSeverity,
        Instant resolveNotifiedAt,
        String delivery) {
    static final String FIRING = "firing";
    static final String RESOLVED = "resolved";
}
