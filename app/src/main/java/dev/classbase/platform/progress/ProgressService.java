package dev.classbase.platform.progress;

import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Caller;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** A user's progress across one course's lessons, in one statement. */
@Service
public class ProgressService {
    private final ProgressQueries queries;

    ProgressService(ProgressQueries queries) {
        this.queries = queries;
    }

    /**
     * Students see their own progress, teachers any user's in their own courses, admins anyone's
     * in the tenant.
     *
     * @param userId null for the caller
     */
    @Transactional(readOnly = true)
    public CourseProgress progress(Caller caller, long courseId, Long userId) {
        long user = userId == null ? caller.userId() : userId;
        if (caller.role() == dev.classbase.web.auth.Role.STUDENT && user != caller.userId()) {
            throw ApiException.forbidden("students see their own progress only");
        }
        ProgressQueries.Result result = queries.progress(caller.tenantId(), courseId, user)
                .orElseThrow(() -> ApiException.notFound("course " + courseId));
        if (caller.isTeacher() && result.instructorId() != caller.userId()) {
            throw ApiException.forbidden("teachers see progress in their own courses only");
        }
        if (!result.userExists()) {
            throw ApiException.notFound("user " + user);
        }
        List<CourseProgress.Lesson> lessons = result.lessons();
        int completed = (int)
                lessons.stream().filter(l -> l.status().equals("completed")).count();
        int percent = lessons.isEmpty()
                ? 0
                : lessons.stream().mapToInt(CourseProgress.Lesson::percent).sum() / lessons.size();
        return new CourseProgress(courseId, user, lessons.size(), completed, percent, lessons);
    }
}
