package dev.classbase.platform.enrollment;

import java.time.OffsetDateTime;

/** A user's place in a course section: active, completed or dropped. */
record Enrollment(
        long id,
        long courseId,
        String courseTitle,
        long sectionId,
        long userId,
        String status,
        OffsetDateTime enrolledAt,
        OffsetDateTime completedAt) {}
