package dev.classbase.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;

/**
 * The analytics benchmark's data, as the owner, with generate_series: a scale's tenants and users
 * and its analytics events (activity logs a quarter of them), spread evenly over the days of
 * history that end at today's midnight (UTC), so a history ten times as large is ten times as many
 * days at the same daily volume, as a platform's history grows. Only what the event-driven
 * dashboards read: seeding all of a scale M district (courses, submissions, ...) would take far
 * longer and change none of these numbers. Every tenant has {@code admin@bench<t>.demo} and users
 * {@code user<n>@bench<t>.demo}; one in 25 is a teacher, the rest students.
 *
 * <p>Bulk history is written with the rollup inbox trigger off and the rollups rebuilt once
 * ({@code classbase_run_rollups(true)}); the measured batches go through the trigger, as ingestion
 * does.
 */
final class AnalyticsData {
    /** Rows per INSERT: a statement (and its WAL) small enough to keep the replica close behind. */
    private static final long CHUNK = 500_000;

    private final DataSource owner;
    private final int tenants;
    private final int usersPerTenant;
    private final LocalDate today;

    AnalyticsData(DataSource owner, int tenants, int usersPerTenant, LocalDate today) {
        this.owner = owner;
        this.tenants = tenants;
        this.usersPerTenant = usersPerTenant;
        this.today = today;
    }

    int tenants() {
        return tenants;
    }

    /** The user ids of tenant {@code t} (1-based) are {@code (t - 1) * usersPerTenant + 1 ..}. */
    long firstUser(int tenant) {
        return (long) (tenant - 1) * usersPerTenant + 1;
    }

    int usersPerTenant() {
        return usersPerTenant;
    }

    void people(String passwordHash) throws SQLException {
        try (Connection c = owner.getConnection()) {
            update(c, """
                    insert into tenants (id, name, slug)
                    select t, 'Bench district ' || t, 'bench' || t from generate_series(1, %d) as t
                    """.formatted(tenants));
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into users (tenant_id, id, email, full_name, role, password_hash)
                    select t, (t - 1) * %1$d + n,
                           case when n = 1 then 'admin' else 'user' || n end || '@bench' || t || '.demo',
                           'Bench user ' || n,
                           case when n = 1 then 'admin' when n %% 25 = 0 then 'teacher' else 'student' end,
                           ?
                    from generate_series(1, %2$d) as t cross join generate_series(1, %1$d) as n
                    """.formatted(usersPerTenant, tenants))) {
                ps.setString(1, passwordHash);
                ps.executeUpdate();
            }
            // explicit ids above: move the identities past them
            update(c, "select setval(pg_get_serial_sequence('tenants', 'id'), (select max(id) from tenants))");
            update(c, "select setval(pg_get_serial_sequence('users', 'id'), (select max(id) from users))");
            update(c, "analyze tenants");
            update(c, "analyze users");
        }
    }

    /**
     * {@code events} analytics events and a quarter as many activity logs, uniformly over the days
     * {@code [today - toDaysAgo, today - fromDaysAgo)}, tenants round-robin, users at random.
     */
    void history(long events, int fromDaysAgo, int toDaysAgo) throws SQLException {
        OffsetDateTime newest = today.minusDays(fromDaysAgo).atStartOfDay().atOffset(ZoneOffset.UTC);
        long spanSeconds = (long) (toDaysAgo - fromDaysAgo) * 86_400;
        try (Connection c = owner.getConnection()) {
            update(c, "alter table analytics_events disable trigger analytics_events_rollup");
            update(c, "alter table activity_logs disable trigger activity_logs_rollup");
            long started = System.nanoTime();
            try {
                for (long from = 1; from <= events; from += CHUNK) {
                    insert(c, eventsSql(), newest, spanSeconds, from, Math.min(events, from + CHUNK - 1));
                }
                long actions = events / 4;
                for (long from = 1; from <= actions; from += CHUNK) {
                    insert(c, actionsSql(), newest, spanSeconds, from, Math.min(actions, from + CHUNK - 1));
                }
            } finally {
                update(c, "alter table analytics_events enable trigger analytics_events_rollup");
                update(c, "alter table activity_logs enable trigger activity_logs_rollup");
            }
            started = step("inserted %,d events and %,d activity logs".formatted(events, events / 4), started);
            // the history arrived behind the trigger's back: rebuild once from the raw tables
            update(c, "select * from classbase_run_rollups(true)");
            started = step("rebuilt the rollups", started);
            update(c, "vacuum (analyze) analytics_events");
            update(c, "vacuum (analyze) activity_logs");
            // the rebuild rewrote the rollup tables: vacuum them too, as autovacuum would have by the
            // time a real system's history is this long (else it runs during the timed runs)
            update(c, "vacuum (analyze) rollup_daily_users");
            update(c, "vacuum (analyze) rollup_daily_activity");
            step("vacuumed and analyzed", started);
        }
    }

    /**
     * A batch of new data through the trigger, as ingestion writes it: {@code events} events and a
     * quarter as many activity logs, 90 % of the last two days, 10 % late ones of the past month.
     */
    void batch(long events) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        try (Connection c = owner.getConnection()) {
            insert(c, batchEventsSql(), now, 1L, events);
            insert(c, batchActionsSql(), now, 1L, events / 4);
        }
    }

    private String eventsSql() {
        return """
                insert into analytics_events (tenant_id, user_id, kind, payload, occurred_at)
                select x.t, (x.t - 1) * %1$d + 1 + floor(random() * %1$d)::bigint,
                       (array['page_view', 'page_view', 'lesson_open', 'video_play', 'quiz_start'])[1 + (n %% 5)],
                       '{"path": "/courses"}'::jsonb,
                       ? - make_interval(secs => random() * ?)
                from generate_series(?::bigint, ?::bigint) as n
                cross join lateral (select 1 + (n %% %2$d)::int as t) as x
                """.formatted(usersPerTenant, tenants);
    }

    private String actionsSql() {
        return """
                insert into activity_logs (tenant_id, user_id, action, target, created_at)
                select x.t, (x.t - 1) * %1$d + 1 + floor(random() * %1$d)::bigint,
                       (array['sign_in', 'submit', 'comment', 'enroll'])[1 + (n %% 4)], 'bench',
                       ? - make_interval(secs => random() * ?)
                from generate_series(?::bigint, ?::bigint) as n
                cross join lateral (select 1 + (n %% %2$d)::int as t) as x
                """.formatted(usersPerTenant, tenants);
    }

    private String batchEventsSql() {
        return """
                insert into analytics_events (tenant_id, user_id, kind, payload, occurred_at)
                select x.t, (x.t - 1) * %1$d + 1 + floor(random() * %1$d)::bigint, 'page_view',
                       '{"path": "/courses"}'::jsonb,
                       ? - make_interval(secs => case when random() < 0.9 then random() * 172800
                                                      else 172800 + random() * 2419200 end)
                from generate_series(?::bigint, ?::bigint) as n
                cross join lateral (select 1 + (n %% %2$d)::int as t) as x
                """.formatted(usersPerTenant, tenants);
    }

    private String batchActionsSql() {
        return """
                insert into activity_logs (tenant_id, user_id, action, target, created_at)
                select x.t, (x.t - 1) * %1$d + 1 + floor(random() * %1$d)::bigint, 'submit', 'bench',
                       ? - make_interval(secs => case when random() < 0.9 then random() * 172800
                                                      else 172800 + random() * 2419200 end)
                from generate_series(?::bigint, ?::bigint) as n
                cross join lateral (select 1 + (n %% %2$d)::int as t) as x
                """.formatted(usersPerTenant, tenants);
    }

    private static long step(String what, long startedNanos) {
        long now = System.nanoTime();
        System.err.printf("analytics benchmark: %s in %.1f s%n", what, (now - startedNanos) / 1e9);
        return now;
    }

    private static void insert(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    private static void update(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
