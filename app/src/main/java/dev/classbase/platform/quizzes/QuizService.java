package dev.classbase.platform.quizzes;

import dev.classbase.data.retry.RetryableTransaction;
import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Caller;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Start an attempt (1 statement), complete it (1; 2 when it cannot be completed). */
@Service
class QuizService {
    private final QuizQueries queries;

    QuizService(QuizQueries queries) {
        this.queries = queries;
    }

    @Transactional
    @RetryableTransaction
    public QuizAttempt start(Caller caller, long quizId) {
        return queries.start(caller.tenantId(), quizId, caller.userId())
                .orElseThrow(() -> ApiException.notFound("quiz " + quizId)); // or not enrolled in its course
    }

    @Transactional
    @RetryableTransaction
    public QuizAttempt complete(Caller caller, long attemptId, CompleteRequest request) {
        var done = queries.complete(caller.tenantId(), attemptId, caller.userId(), request.score());
        if (done.isPresent()) {
            return done.get();
        }
        queries.attempt(caller.tenantId(), attemptId, caller.userId())
                .orElseThrow(() -> ApiException.notFound("quiz attempt " + attemptId));
        throw ApiException.conflict("quiz attempt " + attemptId + " is already completed");
    }
}
