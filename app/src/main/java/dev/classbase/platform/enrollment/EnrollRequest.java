package dev.classbase.platform.enrollment;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

/**
 * Body of {@code POST /api/v1/enrollments}. The section is optional (the course's first section
 * then); {@code userId} defaults to the caller and only an admin may name someone else.
 */
record EnrollRequest(
        @NotNull @Positive Long courseId,
        @Positive Long sectionId,
        @Positive Long userId) {}
