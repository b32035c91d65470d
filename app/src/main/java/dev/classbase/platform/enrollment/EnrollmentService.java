package dev.classbase.platform.enrollment;

import dev.classbase.data.cache.CacheTags;
import dev.classbase.data.retry.RetryableTransaction;
import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Caller;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Enroll (1 statement, 2 when already enrolled), drop (1), a user's enrollments (1). */
@Service
class EnrollmentService {
    private static final Set<String> STATUSES = Set.of("active", "completed", "dropped");

    private final EnrollmentQueries queries;
    private final CacheTags tags;

    EnrollmentService(EnrollmentQueries queries, CacheTags tags) {
        this.queries = queries;
        this.tags = tags;
    }

    /** The enrollment and whether this call created (or re-activated) it. */
    record Outcome(Enrollment enrollment, boolean created) {}

    @Transactional
    @RetryableTransaction
    public Outcome enroll(Caller caller, EnrollRequest request) {
        long userId = request.userId() == null ? caller.userId() : request.userId();
        if (userId != caller.userId() && !caller.isAdmin()) {
            throw ApiException.forbidden("only an admin may enroll another user");
        }
        try {
            var done = queries.enroll(caller.tenantId(), request.courseId(), request.sectionId(), userId);
            if (done.isPresent()) {
                invalidate(caller.tenantId(), done.get().enrollment());
                return new Outcome(done.get().enrollment(), true);
            }
        } catch (DataIntegrityViolationException e) {
            // the composite foreign key to users: no such user in this tenant
            throw ApiException.notFound("user " + userId);
        }
        // nothing inserted: already enrolled (active or completed), or no such published course/section
        return queries.inCourse(caller.tenantId(), userId, request.courseId())
                .map(existing -> new Outcome(existing, false))
                .orElseThrow(() -> request.sectionId() == null
                        ? ApiException.notFound("course " + request.courseId())
                        : ApiException.notFound("section " + request.sectionId() + " of course " + request.courseId()));
    }

    @Transactional
    @RetryableTransaction
    public Enrollment drop(Caller caller, long enrollmentId) {
        Enrollment dropped = queries.drop(caller.tenantId(), enrollmentId, caller.userId(), caller.isAdmin())
                .orElseThrow(() -> ApiException.notFound("enrollment " + enrollmentId));
        invalidate(caller.tenantId(), dropped);
        return dropped;
    }

    /** The user's answers and the course's (its enrollment count), once the transaction commits. */
    private void invalidate(long tenant, Enrollment e) {
        tags.invalidateAfterCommit(CacheTags.user(tenant, e.userId()), CacheTags.course(tenant, e.courseId()));
    }

    /** Students and teachers see their own enrollments; admins anyone's in the tenant. */
    @Transactional(readOnly = true)
    public List<Enrollment> ofUser(Caller caller, long userId, String status) {
        if (userId != caller.userId() && !caller.isAdmin()) {
            throw ApiException.forbidden("only an admin may list another user's enrollments");
        }
        String wanted =
                status == null || status.isBlank() ? null : status.strip().toLowerCase(Locale.ROOT);
        if (wanted != null && !STATUSES.contains(wanted)) {
            throw ApiException.badRequest("status", "must be one of active, completed, dropped");
        }
        List<Enrollment> rows = queries.ofUser(caller.tenantId(), userId, wanted);
        if (rows.isEmpty()) {
            throw ApiException.notFound("user " + userId);
        }
        return rows.stream().filter(Objects::nonNull).toList();
    }
}
