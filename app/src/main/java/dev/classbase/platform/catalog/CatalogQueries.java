package dev.classbase.platform.catalog;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The catalog's SQL: published courses searched by text (websearch_to_tsquery: quotes, "or" and
 * "-" are the web-search syntax and any other character is a word, so no input can raise a
 * tsquery syntax error), browsed by title, and one course with its counters. Counters are the
 * columns the triggers keep exact, never a COUNT(*) per request.
 */
@Component
class CatalogQueries {
    static final String SEARCH = """
                        select hit.*
                        from (select c.id, c.title, c.description, c.category, c.enrollments_count,
                                     c.assignments_count, ts_rank(c.search_vector, q.query) as rank
                              from courses as c
                              cross join websearch_to_tsquery('english', :text) as q(query)
                              where c.tenant_id = :tenant
                                and c.status = 'published'
                                and c.search_vector @@ q.query
                                and (cast(:category as text) is null or c.category = :category)) as hit
                        where cast(:afterRank as real) is null
                           or hit.rank < :afterRank
                           or (hit.rank = :afterRank and hit.id > :afterId)
                        order by hit.rank desc, hit.id
                        limit :limit
                        """;

    static final String BROWSE = """
                        select c.id, c.title, c.description, c.category, c.enrollments_count,
                               c.assignments_count, null::real as rank
                        from courses as c
                        where c.tenant_id = :tenant
                          and c.status = 'published'
                          and (c.title, c.id) > (:afterTitle, :afterId)
                        order by c.title, c.id
                        limit :limit
                        """;

    static final String BROWSE_CATEGORY = """
                        select c.id, c.title, c.description, c.category, c.enrollments_count,
                               c.assignments_count, null::real as rank
                        from courses as c
                        where c.tenant_id = :tenant
                          and c.status = 'published'
                          and c.category = :category
                          and (c.title, c.id) > (:afterTitle, :afterId)
                        order by c.title, c.id
                        limit :limit
                        """;

    static final String COURSE = """
                        select c.id, c.title, c.description, c.category, c.status, c.instructor_id,
                               u.full_name as instructor_name, c.enrollments_count, c.assignments_count,
                               c.published_at,
                               (select coalesce(json_agg(json_build_object('id', s.id, 'name', s.name, 'term', s.term)
                                                         order by s.id), '[]')
                                from sections as s
                                where s.tenant_id = c.tenant_id and s.course_id = c.id)::text as sections
                        from courses as c
                        join users as u on u.tenant_id = c.tenant_id and u.id = c.instructor_id
                        where c.tenant_id = :tenant and c.id = :id
                        """;

    private final JdbcClient jdbc;

    CatalogQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Ranked matches after (rank, id), best first. Every match is ranked anyway (no index orders
     * by ts_rank), so the keyset condition is a filter on the ranked set. The set is the tenant's
     * published courses, read through courses_published_title, with {@code @@} a filter on them:
     * under row-level security the non-leakproof {@code @@} cannot be an index condition (V76).
     */
    List<CourseSummary> search(long tenant, String text, String category, Float afterRank, long afterId, int limit) {
        return jdbc.sql(SEARCH)
                .param("tenant", tenant)
                .param("text", text)
                .param("category", category)
                .param("afterRank", afterRank)
                .param("afterId", afterId)
                .param("limit", limit)
                .query(CatalogQueries::summary)
                .list();
    }

    /** Published courses of every category by (title, id), after a position. */
    List<CourseSummary> browse(long tenant, String afterTitle, long afterId, int limit) {
        return jdbc.sql(BROWSE)
                .param("tenant", tenant)
                .param("afterTitle", afterTitle)
                .param("afterId", afterId)
                .param("limit", limit)
                .query(CatalogQueries::summary)
                .list();
    }

    /** Published courses of one category by (title, id), after a position. */
    List<CourseSummary> browseCategory(long tenant, String category, String afterTitle, long afterId, int limit) {
        return jdbc.sql(BROWSE_CATEGORY)
                .param("tenant", tenant)
                .param("category", category)
                .param("afterTitle", afterTitle)
                .param("afterId", afterId)
                .param("limit", limit)
                .query(CatalogQueries::summary)
                .list();
    }

    /** One course of the tenant, any status, with its instructor and sections (as JSON). */
    Optional<CourseRow> course(long tenant, long id) {
        return jdbc.sql(COURSE)
                .param("tenant", tenant)
                .param("id", id)
                .query((rs, n) -> new CourseRow(
                        rs.getLong("id"),
                        rs.getString("title"),
                        rs.getString("description"),
                        rs.getString("category"),
                        rs.getString("status"),
                        rs.getLong("instructor_id"),
                        rs.getString("instructor_name"),
                        rs.getInt("enrollments_count"),
                        rs.getInt("assignments_count"),
                        rs.getObject("published_at", java.time.OffsetDateTime.class),
                        rs.getString("sections")))
                .optional();
    }

    private static CourseSummary summary(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        float rank = rs.getFloat("rank");
        Float ranked = rs.wasNull() ? null : rank;
        return new CourseSummary(
                rs.getLong("id"),
                rs.getString("title"),
                rs.getString("description"),
                rs.getString("category"),
                rs.getInt("enrollments_count"),
                rs.getInt("assignments_count"),
                ranked);
    }

    record CourseRow(
            long id,
            String title,
            String description,
            String category,
            String status,
            long instructorId,
            String instructorName,
            int enrollmentsCount,
            int assignmentsCount,
            java.time.OffsetDateTime publishedAt,
            String sectionsJson) {}
}
