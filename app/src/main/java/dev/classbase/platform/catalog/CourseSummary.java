package dev.classbase.platform.catalog;

/** A course in a catalog page; {@code rank} only for text searches. */
record CourseSummary(
        long id,
        String title,
        String description,
        String category,
        int enrollmentsCount,
        int assignmentsCount,
        Float rank) {}
