package dev.classbase.platform.catalog;

/**
 * A course was created or changed (title, description, category, status). Published inside the
 * write transaction, so a listener that must only see committed changes (a cache of catalog
 * reads) listens after commit ({@code @TransactionalEventListener}): a rolled-back write, or an
 * attempt a retry replaced, never reaches it.
 */
public record CourseChanged(long tenantId, long courseId) {}
