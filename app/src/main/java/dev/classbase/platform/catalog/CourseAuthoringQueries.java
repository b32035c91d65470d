package dev.classbase.platform.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Creating and changing courses, one statement each: the write and the course as the detail
 * endpoint shows it (instructor, sections) come back together. search_vector is a stored
 * generated column (V1), so PostgreSQL recomputes it whenever title or description change
 * (manual, "Generated Columns"); no trigger and no second statement. Nothing counts courses:
 * the counter caches (V7) count a course's children, not courses.
 */
@Component
class CourseAuthoringQueries {
    /**
     * Inserts a course for an active teacher of the tenant; no row when {@code :instructor} is no
     * such teacher (unknown, another tenant's under row-level security, a student or an admin).
     */
    static final String CREATE = """
                        with teacher as (
                            select u.tenant_id, u.id, u.full_name
                            from users as u
                            where u.tenant_id = :tenant and u.id = :instructor
                              and u.role = 'teacher' and u.is_active
                        ), added as (
                            insert into courses (tenant_id, title, description, category, status, instructor_id,
                                                 published_at)
                            select t.tenant_id, :title, cast(:description as text), :category, :status, t.id,
                                   case when :status = 'published' then now() end
                            from teacher as t
                            returning id, title, description, category, status, instructor_id, enrollments_count,
                                      assignments_count, published_at
                        )
                        select a.*, t.full_name as instructor_name, '[]' as sections
                        from added as a
                        cross join teacher as t
                        """;

    /**
     * Changes the given fields of a course the caller may author (any of the tenant's, for an
     * admin; else the caller's own). A null parameter leaves its column alone; an empty
     * description clears it. published_at is when the course was last published: set when it
     * becomes published, cleared when it goes back to draft, kept when it is archived. The
     * sections subquery reads the statement's snapshot, which the update does not change.
     */
    static final String UPDATE = """
                        with changed as (
                            update courses as c
                            set title = coalesce(cast(:title as text), c.title),
                                description = case when cast(:description as text) is null then c.description
                                                   else nullif(cast(:description as text), '') end,
                                category = coalesce(cast(:category as text), c.category),
                                status = coalesce(cast(:status as text), c.status),
                                published_at = case
                                    when cast(:status as text) is null or :status = c.status then c.published_at
                                    when :status = 'published' then now()
                                    when :status = 'draft' then null
                                    else c.published_at end
                            where c.tenant_id = :tenant and c.id = :id
                              and (:admin or c.instructor_id = :caller)
                            returning c.tenant_id, c.id, c.title, c.description, c.category, c.status,
                                      c.instructor_id, c.enrollments_count, c.assignments_count, c.published_at
                        )
                        select ch.id, ch.title, ch.description, ch.category, ch.status, ch.instructor_id,
                               ch.enrollments_count, ch.assignments_count, ch.published_at,
                               u.full_name as instructor_name,
                               (select coalesce(json_agg(json_build_object('id', s.id, 'name', s.name, 'term', s.term)
                                                         order by s.id), '[]')
                                from sections as s
                                where s.tenant_id = ch.tenant_id and s.course_id = ch.id)::text as sections
                        from changed as ch
                        join users as u on u.tenant_id = ch.tenant_id and u.id = ch.instructor_id
                        """;

    private final JdbcClient jdbc;

    CourseAuthoringQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<CatalogQueries.CourseRow> create(
            long tenant, long instructor, String title, String description, String category, String status) {
        return jdbc.sql(CREATE)
                .param("tenant", tenant)
                .param("instructor", instructor)
                .param("title", title)
                .param("description", description)
                .param("category", category)
                .param("status", status)
                .query(CourseAuthoringQueries::row)
                .optional();
    }

    Optional<CatalogQueries.CourseRow> update(long tenant, long id, long caller, boolean admin, CourseChanges changes) {
        return jdbc.sql(UPDATE)
                .param("tenant", tenant)
                .param("id", id)
                .param("caller", caller)
                .param("admin", admin)
                .param("title", changes.title())
                .param("description", changes.description())
                .param("category", changes.category())
                .param("status", changes.status())
                .query(CourseAuthoringQueries::row)
                .optional();
    }

    private static CatalogQueries.CourseRow row(ResultSet rs, int n) throws SQLException {
        return new CatalogQueries.CourseRow(
                rs.getLong("id"),
                rs.getString("title"),
                rs.getString("description"),
                rs.getString("category"),
                rs.getString("status"),
                rs.getLong("instructor_id"),
                rs.getString("instructor_name"),
                rs.getInt("enrollments_count"),
                rs.getInt("assignments_count"),
                rs.getObject("published_at", OffsetDateTime.class),
                rs.getString("sections"));
    }
}
