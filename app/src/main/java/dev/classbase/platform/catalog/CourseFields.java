package dev.classbase.platform.catalog;

/**
 * The rules a course's authored fields follow, shared by the create and change bodies. The schema
 * leaves category free text; a lowercase slug keeps the catalog's exact-match category filter
 * from splitting "Science" and "science " into categories of their own.
 */
final class CourseFields {
    static final int MAX_TITLE = 200;
    static final int MAX_DESCRIPTION = 10_000;
    static final int MAX_CATEGORY = 50;

    /**
     * Not blank, and no NUL character (PostgreSQL text cannot hold it): one character that is
     * neither whitespace nor NUL, no NUL anywhere.
     */
    static final String TITLE = "(?s)[^\\x00]*[^\\x00\\s][^\\x00]*";

    static final String TITLE_MESSAGE = "must not be blank or contain the NUL character";
    static final String TEXT = "(?s)[^\\x00]*";
    static final String TEXT_MESSAGE = "must not contain the NUL character";
    static final String CATEGORY = "[a-z][a-z0-9_]*";
    static final String CATEGORY_MESSAGE = "must be a lowercase slug: a letter, then letters, digits or _";

    /** The values courses.status allows (V1's check constraint). */
    static final String STATUS = "draft|published|archived";

    static final String STATUS_MESSAGE = "must be one of draft, published, archived";

    private CourseFields() {}
}
