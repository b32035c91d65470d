package dev.classbase.platform.quizzes;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/** One try at a quiz: open until completed, then scored (0 to 100). */
record QuizAttempt(
        long id, long quizId, long userId, BigDecimal score, OffsetDateTime startedAt, OffsetDateTime completedAt) {}
