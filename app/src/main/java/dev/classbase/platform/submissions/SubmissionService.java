package dev.classbase.platform.submissions;

import dev.classbase.data.cache.CacheTags;
import dev.classbase.data.retry.RetryableTransaction;
import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Caller;
import java.util.Objects;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Submit with an idempotency key (first call: 1 statement; a retry: 2; a resubmission: 3) and
 * grade (2). A key is the user's own: the same key and request again answer the first row, the
 * same key with another assignment or body is refused (422), and another user's key is no concern.
 */
@Service
class SubmissionService {
    static final int MAX_KEY = 200;

    private final SubmissionQueries queries;
    private final CacheTags tags;

    SubmissionService(SubmissionQueries queries, CacheTags tags) {
        this.queries = queries;
        this.tags = tags;
    }

    /** The submission and whether this call made it (201) or repeats an earlier one (200). */
    record Outcome(Submission submission, boolean created) {}

    @Transactional
    @RetryableTransaction
    public Outcome submit(Caller caller, long assignmentId, String key, SubmitRequest request) {
        if (key == null || key.isBlank()) {
            throw ApiException.badRequest("Idempotency-Key", "header is required");
        }
        if (key.length() > MAX_KEY) {
            throw ApiException.badRequest("Idempotency-Key", "is longer than " + MAX_KEY + " characters");
        }
        long tenant = caller.tenantId();
        var inserted = queries.insert(tenant, assignmentId, caller.userId(), request.body(), key);
        if (inserted.isPresent()) {
            tags.invalidateAfterCommit(CacheTags.user(tenant, caller.userId()));
            return new Outcome(inserted.get(), true);
        }
        Submission sameKey = null;
        Submission mine = null;
        for (var e : queries.existing(tenant, assignmentId, caller.userId(), key)) {
            if (e.byKey()) {
                sameKey = e.submission();
            } else {
                mine = e.submission();
            }
        }
        if (sameKey != null) {
            if (sameKey.assignmentId() != assignmentId || !Objects.equals(sameKey.body(), request.body())) {
                // a key names one request of one user: answering with the first result would tell
                // the client its new request was done when it was not
                throw ApiException.unprocessable(
                        "Idempotency-Key",
                        "this Idempotency-Key was used for another request (another assignment or body); send"
                                + " a new key for a new request");
            }
            return new Outcome(sameKey, false); // a retry: the first result again
        }
        if (mine == null) {
            throw ApiException.notFound("assignment " + assignmentId); // or not actively enrolled
        }
        return queries.resubmit(tenant, mine.id(), request.body(), key)
                .map(s -> new Outcome(s, true))
                .orElseThrow(() -> ApiException.conflict("assignment " + assignmentId + " is already "
                        + "submitted or graded; it can be handed in " + "again once the teacher returns it"));
    }

    /** The course's teacher or an admin; anyone else learns nothing about the submission. */
    @Transactional
    @RetryableTransaction
    public Submission grade(Caller caller, long submissionId, GradeRequest request) {
        var target = queries.forGrading(caller.tenantId(), submissionId)
                .filter(s -> caller.isAdmin() || s.instructorId() == caller.userId())
                .orElseThrow(() -> ApiException.notFound("submission " + submissionId));
        if (request.score().compareTo(target.points()) > 0) {
            throw ApiException.badRequest("score", "is more than the assignment's " + target.points() + " points");
        }
        if (target.status().equals("draft")) {
            throw ApiException.conflict("submission " + submissionId + " is a draft, not handed in yet");
        }
        return queries.grade(caller.tenantId(), submissionId, request.score())
                .orElseThrow(
                        () -> ApiException.conflict("submission " + submissionId + " is a draft, not handed in yet"));
    }
}
