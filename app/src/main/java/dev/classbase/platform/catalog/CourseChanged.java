package dev.classbase.platform.catalog;

/**
 * A course was created or changed (title, description, category, status, sections), published as
 * a Spring application event inside the writing transaction. Listeners that act on other systems
 * (the cache) do so after the transaction commits.
 */
public record CourseChanged(long tenantId, long courseId) {}
