package dev.classbase.platform.exercises;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * The caller's completion of an exercise.
 *
 * @param created false when the exercise was already completed: the first completion is returned
 *     and nothing is written
 */
public record Completion(
        long exerciseId, long userExerciseId, Instant completedAt, BigDecimal score, boolean created) {}
