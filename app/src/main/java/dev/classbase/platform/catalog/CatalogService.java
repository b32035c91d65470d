package dev.classbase.platform.catalog;

import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Caller;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Catalog pages and course detail: one statement each. */
@Service
class CatalogService {
    static final int DEFAULT_PAGE = 20;
    static final int MAX_PAGE = 100;
    static final int MAX_QUERY = 200;
    private static final TypeReference<List<CourseDetail.Section>> SECTIONS = new TypeReference<>() {};

    private final CatalogQueries queries;
    private final JsonMapper json;

    CatalogService(CatalogQueries queries, JsonMapper json) {
        this.queries = queries;
        this.json = json;
    }

    @Transactional(readOnly = true)
    public CatalogPage page(Caller caller, String text, String category, String cursor, Integer limit) {
        int size = pageSize(limit);
        String q = text == null || text.isBlank() ? null : text.strip();
        if (q != null && q.length() > MAX_QUERY) {
            throw ApiException.badRequest("q", "is longer than " + MAX_QUERY + " characters");
        }
        String cat = category == null || category.isBlank() ? null : category.strip();
        // PostgreSQL text cannot hold the NUL character: refused here rather than as a database error
        if (q != null && q.indexOf('\0') >= 0) {
            throw ApiException.badRequest("q", "must not contain the NUL character");
        }
        if (cat != null && cat.indexOf('\0') >= 0) {
            throw ApiException.badRequest("category", "must not contain the NUL character");
        }
        // one row more than the page tells whether a next page exists, without a count
        List<CourseSummary> rows;
        if (q != null) {
            CatalogCursor after = cursor == null ? null : CatalogCursor.decode(cursor, CatalogCursor.Kind.RANK);
            rows = queries.search(
                    caller.tenantId(),
                    q,
                    cat,
                    after == null ? null : after.rank(),
                    after == null ? 0 : after.id(),
                    size + 1);
        } else {
            CatalogCursor after = cursor == null
                    ? CatalogCursor.afterTitle("", 0)
                    : CatalogCursor.decode(cursor, CatalogCursor.Kind.TITLE);
            rows = cat == null
                    ? queries.browse(caller.tenantId(), after.title(), after.id(), size + 1)
                    : queries.browseCategory(caller.tenantId(), cat, after.title(), after.id(), size + 1);
        }
        if (rows.size() <= size) {
            return new CatalogPage(rows, null);
        }
        List<CourseSummary> page = rows.subList(0, size);
        CourseSummary last = page.getLast();
        CatalogCursor next = q != null
                ? CatalogCursor.afterRank(last.rank(), last.id())
                : CatalogCursor.afterTitle(last.title(), last.id());
        return new CatalogPage(List.copyOf(page), next.encode());
    }

    /** Published courses for everyone in the tenant; drafts and archived ones for their teacher and admins. */
    @Transactional(readOnly = true)
    public CourseDetail course(Caller caller, long id) {
        return visibleTo(caller, detail(caller.tenantId(), id));
    }

    /** A course of the tenant whatever its status; who may see it is {@link #visibleTo}'s question. */
    @Transactional(readOnly = true)
    public CourseDetail detail(long tenant, long id) {
        CatalogQueries.CourseRow row =
                queries.course(tenant, id).orElseThrow(() -> ApiException.notFound("course " + id));
        return new CourseDetail(
                row.id(),
                row.title(),
                row.description(),
                row.category(),
                row.status(),
                new CourseDetail.Instructor(row.instructorId(), row.instructorName()),
                row.enrollmentsCount(),
                row.assignmentsCount(),
                row.publishedAt(),
                json.readValue(row.sectionsJson(), SECTIONS));
    }

    /** The course if the caller may see it, else 404 (as if it did not exist). */
    static CourseDetail visibleTo(Caller caller, CourseDetail course) {
        if (course.status().equals("published")
                || caller.isAdmin()
                || course.instructor().id() == caller.userId()) {
            return course;
        }
        throw ApiException.notFound("course " + course.id());
    }

    static int pageSize(Integer limit) {
        if (limit == null) {
            return DEFAULT_PAGE;
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST,
                    "Invalid request",
                    "limit: must be between 1 and " + MAX_PAGE,
                    Map.of("field", "limit", "limit", MAX_PAGE));
        }
        return limit;
    }
}
