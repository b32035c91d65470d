package dev.classbase.platform.events;

import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;

/** Analytics event ingestion: a whole batch in one INSERT over unnest'ed arrays. */
@Component
class EventQueries {
    /**
     * A user's events since a time, newest first, before a (occurred_at, id) position. The user
     * row is the left side: no row at all means no such user in the tenant, one row of nulls a
     * user without events. Served by analytics_events_user_time on each month's partition. The
     * plain {@code occurred_at <= :beforeAt} repeats what the row comparison implies because
     * partition pruning reads only plain bounds: with it, the plan touches just the months of the
     * window (not later months nor the default partition), newest first, and stops at the limit.
     */
    static final String OF_USER = """
            select u.id as user_id, e.id, e.kind, e.payload::text as payload, e.occurred_at
            from users as u
            left join lateral (
                select ev.id, ev.kind, ev.payload, ev.occurred_at
                from analytics_events as ev
                where ev.tenant_id = u.tenant_id and ev.user_id = u.id
                  and ev.occurred_at >= :since and ev.occurred_at <= :beforeAt
                  and (ev.occurred_at, ev.id) < (:beforeAt, :beforeId)
                order by ev.occurred_at desc, ev.id desc
                limit :limit
            ) as e on true
            where u.tenant_id = :tenant and u.id = :user
            order by e.occurred_at desc, e.id desc
            """;

    private final JdbcClient jdbc;

    EventQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Rows of {@link #OF_USER}: empty when the user is unknown; a null event when they have none. */
    List<Row> ofUser(long tenant, long user, OffsetDateTime since, OffsetDateTime beforeAt, long beforeId, int limit) {
        return jdbc.sql(OF_USER)
                .param("tenant", tenant)
                .param("user", user)
                .param("since", since)
                .param("beforeAt", beforeAt)
                .param("beforeId", beforeId)
                .param("limit", limit)
                .query((rs, n) -> {
                    long id = rs.getLong("id");
                    return new Row(
                            rs.wasNull() ? null : id,
                            rs.getString("kind"),
                            rs.getString("payload"),
                            rs.getObject("occurred_at", OffsetDateTime.class));
                })
                .list();
    }

    record Row(Long id, String kind, String payload, OffsetDateTime occurredAt) {}

    /**
     * One statement for the batch, whatever its size, and five bind parameters (arrays), so the
     * statement shape never changes and stays a prepared statement. Rows route to their monthly
     * partition; a time outside every prepared month lands in the default partition.
     *
     * <p>The table has no foreign keys (V71: they were checked per row, a third of the insert's
     * cost); the statement checks the batch's distinct users once instead, in an InitPlan, and
     * writes nothing when one of them is not a user of the tenant (row-level security hides other
     * tenants' users, so they count as unknown).
     *
     * @param distinctUsers the distinct values of {@code users}
     * @return the rows written: {@code users.length}, or 0 when a user is unknown
     */
    int insert(long tenant, Long[] users, Long[] distinctUsers, String[] kinds, String[] payloads, String[] times) {
        return jdbc.sql("""
                        insert into analytics_events (tenant_id, user_id, kind, payload, occurred_at)
                        select :tenant, b.user_id, b.kind, b.payload, b.occurred_at
                        from unnest(cast(:users as bigint[]), cast(:kinds as text[]), cast(:payloads as jsonb[]),
                                    cast(:times as timestamptz[])) as b(user_id, kind, payload, occurred_at)
                        where (select count(*) from users as u
                               where u.tenant_id = :tenant and u.id = any(cast(:distinct as bigint[])))
                              = cardinality(cast(:distinct as bigint[]))
                        """)
                .param("tenant", tenant)
                .param("users", new SqlArrayValue("bigint", (Object[]) users))
                .param("distinct", new SqlArrayValue("bigint", (Object[]) distinctUsers))
                .param("kinds", new SqlArrayValue("text", (Object[]) kinds))
                .param("payloads", new SqlArrayValue("text", (Object[]) payloads))
                .param("times", new SqlArrayValue("text", (Object[]) times))
                .update();
    }
}
