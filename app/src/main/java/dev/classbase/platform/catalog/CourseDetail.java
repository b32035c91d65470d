package dev.classbase.platform.catalog;

import java.time.OffsetDateTime;
import java.util.List;

/** One course with its counter caches and sections (to enroll in). */
record CourseDetail(
        long id,
        String title,
        String description,
        String category,
        String status,
        Instructor instructor,
        int enrollmentsCount,
        int assignmentsCount,
        OffsetDateTime publishedAt,
        List<Section> sections) {

    record Instructor(long id, String name) {}

    record Section(long id, String name, String term) {}
}
