package dev.classbase.platform.discussions;

import java.time.OffsetDateTime;

/** A post in a course discussion. */
record DiscussionPost(long id, long discussionId, long userId, String body, OffsetDateTime createdAt) {}
