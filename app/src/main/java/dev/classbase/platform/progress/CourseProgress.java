package dev.classbase.platform.progress;

import java.time.Instant;
import java.util.List;

/**
 * A user's progress across a course's lessons, in lesson order; lessons never started read
 * {@code not_started} at 0 %.
 *
 * @param percent mean of the lessons' percentages, rounded down
 */
public record CourseProgress(long courseId, long userId, int lessons, int completed, int percent, List<Lesson> items) {

    public record Lesson(
            long lessonId,
            int position,
            String title,
            String status,
            int percent,
            Instant updatedAt,
            Instant completedAt) {}
}
