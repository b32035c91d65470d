package dev.classbase.platform.exercises;

import dev.classbase.data.cache.CacheTags;
import dev.classbase.data.retry.RetryableTransaction;
import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Caller;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Exercise selection (one statement), completion (two) and streaks (one). */
@Service
public class ExerciseService {
    static final Set<String> DIFFICULTIES = Set.of("easy", "medium", "hard");
    static final int DEFAULT_LIMIT = 10;
    static final int MAX_LIMIT = 50;
    static final int MAX_LANGUAGE = 40;

    private final ExerciseQueries queries;
    private final CacheTags tags;
    private final Clock clock = Clock.systemUTC();

    ExerciseService(ExerciseQueries queries, CacheTags tags) {
        this.queries = queries;
        this.tags = tags;
    }

    /** The caller's next exercises of a difficulty and language, ones they completed left out. */
    @Transactional(readOnly = true)
    public List<Exercise> next(Caller caller, String difficulty, String language, Integer limit) {
        String level = difficulty == null ? "" : difficulty.strip().toLowerCase(Locale.ROOT);
        if (!DIFFICULTIES.contains(level)) {
            throw ApiException.badRequest("difficulty", "must be one of easy, medium, hard");
        }
        String lang = language == null ? "" : language.strip().toLowerCase(Locale.ROOT);
        if (lang.isEmpty() || lang.length() > MAX_LANGUAGE) {
            throw ApiException.badRequest("language", "is required, at most " + MAX_LANGUAGE + " characters");
        }
        int size = limit == null ? DEFAULT_LIMIT : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw ApiException.badRequest("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return queries.next(caller.tenantId(), caller.userId(), level, lang, size);
    }

    /**
     * Completes the exercise for the caller. Idempotent: completing it again returns the first
     * completion and writes nothing.
     */
    @RetryableTransaction
    @Transactional
    public Completion complete(Caller caller, long exerciseId, BigDecimal score) {
        if (score != null && (score.signum() < 0 || score.compareTo(BigDecimal.valueOf(100)) > 0)) {
            throw ApiException.badRequest("score", "must be between 0 and 100");
        }
        if (score != null && score.stripTrailingZeros().scale() > 2) {
            throw ApiException.badRequest("score", "has at most two decimals");
        }
        if (!queries.lockForCompletion(caller.tenantId(), caller.userId(), exerciseId)) {
            throw ApiException.notFound("exercise " + exerciseId);
        }
        ExerciseQueries.Completed done = queries.complete(caller.tenantId(), caller.userId(), exerciseId, score);
        if (done.created()) {
            tags.invalidateAfterCommit(CacheTags.user(caller.tenantId(), caller.userId()));
        }
        return new Completion(exerciseId, done.id(), done.completedAt().toInstant(), done.score(), done.created());
    }

    /**
     * A user's streak as of today (UTC): the user themselves, admins, and teachers of a course
     * the user is enrolled in may ask.
     */
    @Transactional(readOnly = true)
    public Streak streak(Caller caller, long userId) {
        LocalDate today = LocalDate.now(clock);
        ExerciseQueries.StreakRow row = queries.streak(caller.tenantId(), userId, caller.userId(), today)
                .orElseThrow(() -> ApiException.notFound("user " + userId));
        boolean allowed = caller.isAdmin() || userId == caller.userId() || (caller.isTeacher() && row.taught());
        if (!allowed) {
            throw ApiException.forbidden("a streak is visible to the user, their teachers and admins");
        }
        return new Streak(row.userId(), row.current(), row.startedOn(), row.lastDay(), row.longest());
    }
}
