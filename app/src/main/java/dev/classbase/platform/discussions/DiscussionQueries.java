package dev.classbase.platform.discussions;

import java.time.OffsetDateTime;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Posting to a discussion. */
@Component
class DiscussionQueries {
    private final JdbcClient jdbc;

    DiscussionQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Adds the post if the user may take part: actively enrolled in the discussion's course, its
     * teacher, or an admin. No row: unknown discussion, another tenant's, or not a participant.
     */
    Optional<DiscussionPost> post(long tenant, long discussionId, long userId, boolean admin, String body) {
        return jdbc.sql("""
                        insert into discussion_posts as p (tenant_id, discussion_id, user_id, body, created_at)
                        select d.tenant_id, d.id, :user, :body, now()
                        from discussions as d
                        join courses as c on c.tenant_id = d.tenant_id and c.id = d.course_id
                        where d.tenant_id = :tenant and d.id = :discussion
                          and (:admin or c.instructor_id = :user
                               or exists (select 1 from enrollments as e
                                          where e.tenant_id = d.tenant_id and e.course_id = d.course_id
                                            and e.user_id = :user and e.status = 'active'))
                        returning p.id, p.discussion_id, p.user_id, p.body, p.created_at
                        """)
                .param("tenant", tenant)
                .param("discussion", discussionId)
                .param("user", userId)
                .param("admin", admin)
                .param("body", body)
                .query((rs, n) -> new DiscussionPost(
                        rs.getLong("id"),
                        rs.getLong("discussion_id"),
                        rs.getLong("user_id"),
                        rs.getString("body"),
                        rs.getObject("created_at", OffsetDateTime.class)))
                .optional();
    }
}
