package dev.classbase.platform.catalog;

import dev.classbase.data.retry.RetryableTransaction;
import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Access;
import dev.classbase.web.auth.Caller;
import dev.classbase.web.auth.Role;
import java.util.List;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Course authoring: create (1 statement) and change (1). Teachers author their own courses,
 * admins any of the tenant's; students none (403). Another teacher's course answers 404 like
 * another tenant's: the detail endpoint hides a teacher's drafts from other teachers, so a 403
 * here would confirm that a hidden course exists. Each successful write publishes
 * {@link CourseChanged} inside its transaction.
 */
@Service
class CourseAuthoringService {
    private static final TypeReference<List<CourseDetail.Section>> SECTIONS = new TypeReference<>() {};

    private final CourseAuthoringQueries queries;
    private final ApplicationEventPublisher events;
    private final JsonMapper json;

    CourseAuthoringService(CourseAuthoringQueries queries, ApplicationEventPublisher events, JsonMapper json) {
        this.queries = queries;
        this.events = events;
        this.json = json;
    }

    @Transactional
    @RetryableTransaction
    public CourseDetail create(Caller caller, NewCourse course) {
        Access.require(caller, Role.TEACHER, Role.ADMIN);
        refuseUnknown(course.unknown());
        long instructor;
        if (course.instructorId() != null) {
            if (!caller.isAdmin() && course.instructorId() != caller.userId()) {
                throw ApiException.forbidden("only an admin may create a course for another teacher");
            }
            instructor = course.instructorId();
        } else if (caller.isAdmin()) {
            throw ApiException.badRequest("instructorId", "is required when an admin creates a course");
        } else {
            instructor = caller.userId();
        }
        CatalogQueries.CourseRow row = queries.create(
                        caller.tenantId(),
                        instructor,
                        course.title().strip(),
                        blankAsNull(course.description()),
                        course.category(),
                        course.status() == null ? "draft" : course.status())
                .orElseThrow(() -> ApiException.notFound("teacher " + instructor));
        events.publishEvent(new CourseChanged(caller.tenantId(), row.id()));
        return detail(row);
    }

    @Transactional
    @RetryableTransaction
    public CourseDetail change(Caller caller, long id, CourseChanges changes) {
        Access.require(caller, Role.TEACHER, Role.ADMIN);
        refuseUnknown(changes.unknown());
        if (changes.changesNothing()) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST,
                    "Invalid request",
                    "the body names no field to change: title, description, category or status",
                    null);
        }
        CourseChanges stripped = new CourseChanges(
                changes.title() == null ? null : changes.title().strip(),
                changes.description() == null ? null : changes.description().strip(),
                changes.category(),
                changes.status(),
                null);
        CatalogQueries.CourseRow row = queries.update(
                        caller.tenantId(), id, caller.userId(), caller.isAdmin(), stripped)
                .orElseThrow(() -> ApiException.notFound("course " + id));
        events.publishEvent(new CourseChanged(caller.tenantId(), row.id()));
        return detail(row);
    }

    private static void refuseUnknown(Map<String, Object> unknown) {
        if (unknown != null && !unknown.isEmpty()) {
            throw ApiException.badRequest(unknown.keySet().iterator().next(), "is not a known field");
        }
    }

    private static String blankAsNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    private CourseDetail detail(CatalogQueries.CourseRow row) {
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
}
