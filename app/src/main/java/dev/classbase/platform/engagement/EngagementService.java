package dev.classbase.platform.engagement;

import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Caller;
import java.time.Instant;
import java.util.stream.Stream;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** One student's engagement in one course, in one statement. */
@Service
public class EngagementService {
    private final EngagementQueries queries;

    EngagementService(EngagementQueries queries) {
        this.queries = queries;
    }

    /**
     * Students see their own engagement, teachers that of the students of their courses, admins
     * everyone's in the tenant. A course or student the tenant does not have, or a student never
     * enrolled in the course, is not found.
     */
    @Transactional(readOnly = true)
    public Engagement engagement(Caller caller, long courseId, long userId) {
        EngagementQueries.Row row = queries.engagement(caller.tenantId(), courseId, userId)
                .orElseThrow(() -> ApiException.notFound("course " + courseId));
        authorize(caller, row, userId);
        if (row.userId() == null || row.enrollmentStatus() == null) {
            throw ApiException.notFound("student " + userId + " in course " + courseId);
        }
        Instant last = Stream.of(
                        row.submissions().lastSubmittedAt(),
                        row.quizAttempts().lastAttemptAt(),
                        row.posts().lastPostAt(),
                        row.lastSessionAt())
                .filter(java.util.Objects::nonNull)
                .max(Instant::compareTo)
                .orElse(null);
        return new Engagement(
                row.courseId(),
                new Engagement.Student(row.userId(), row.userName()),
                row.enrollmentStatus(),
                row.submissions(),
                row.quizAttempts(),
                row.posts(),
                last);
    }

    private static void authorize(Caller caller, EngagementQueries.Row row, long userId) {
        switch (caller.role()) {
            case ADMIN -> {}
            case TEACHER -> {
                if (row.instructorId() != caller.userId()) {
                    throw ApiException.forbidden("teachers see the engagement of their own courses only");
                }
            }
            case STUDENT -> {
                if (userId != caller.userId()) {
                    throw ApiException.forbidden("students see their own engagement only");
                }
            }
        }
    }
}
