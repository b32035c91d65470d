package dev.classbase.platform.discussions;

import dev.classbase.data.retry.RetryableTransaction;
import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Caller;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Post to a discussion: one statement. */
@Service
class DiscussionService {
    private final DiscussionQueries queries;

    DiscussionService(DiscussionQueries queries) {
        this.queries = queries;
    }

    @Transactional
    @RetryableTransaction
    public DiscussionPost post(Caller caller, long discussionId, PostRequest request) {
        return queries.post(caller.tenantId(), discussionId, caller.userId(), caller.isAdmin(), request.body())
                .orElseThrow(() -> ApiException.notFound("discussion " + discussionId));
    }
}
