package dev.classbase.platform.submissions;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/** A student's work on an assignment, as stored. */
record Submission(
        long id,
        long assignmentId,
        long userId,
        String status,
        BigDecimal score,
        String body,
        OffsetDateTime submittedAt,
        OffsetDateTime gradedAt) {}
