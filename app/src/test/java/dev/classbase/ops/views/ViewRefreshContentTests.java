package dev.classbase.ops.views;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The six views of V40 hold the same numbers as the same questions asked of the raw tables (written
 * differently: distinct counts, correlated subqueries) on the demo district, and the service role
 * reads only its tenant's rows of them.
 */
class ViewRefreshContentTests {
    private static DataSource owner;
    private static JdbcClient db;

    @BeforeAll
    static void refreshed() throws SQLException {
        TestApp.shared(); // seeds the demo district
        owner = TestCluster.shared().primaryDataSource();
        db = JdbcClient.create(owner);
        // wait: the shared server's own job may be refreshing them right now
        List<RefreshResult> results =
                new ViewRefresher(owner, ViewProperties.defaults(), Clock.systemUTC()).refresh(List.of(), true);
        assertThat(results).extracting(RefreshResult::outcome).containsOnly(RefreshResult.Outcome.REFRESHED);
    }

    /** Both directions of EXCEPT ALL are empty, and the view is not trivially empty. */
    private static void assertSameRows(String view, String columns, String raw) {
        long differing = db.sql("select count(*) from ((select " + columns + " from " + view + " except all (" + raw
                        + ")) union all ((" + raw + ") except all select " + columns + " from " + view + ")) as d")
                .query(Long.class)
                .single();
        long rows = db.sql("select count(*) from " + view).query(Long.class).single();
        assertThat(rows).as(view + " rows").isPositive();
        assertThat(differing).as(view + " rows differing from the raw tables").isZero();
    }

    @Test
    void dailyActiveUsersCountActivityNotLastSignIn() {
        assertSameRows("mv_daily_active_users", "tenant_id, day, active_users, active_teachers, active_students", """
                select x.tenant_id, x.day, count(distinct x.user_id),
                       count(distinct x.user_id) filter (where u.role = 'teacher'),
                       count(distinct x.user_id) filter (where u.role = 'student')
                from (select tenant_id, user_id, (created_at at time zone 'UTC')::date as day
                      from activity_logs where user_id is not null
                      union all
                      select tenant_id, user_id, (occurred_at at time zone 'UTC')::date
                      from analytics_events where user_id is not null) as x
                left join users as u on u.tenant_id = x.tenant_id and u.id = x.user_id
                group by x.tenant_id, x.day
                """);
        // history is kept: last_sign_in_at would give each user one day at most
        long userDays = db.sql("select sum(active_users) from mv_daily_active_users")
                .query(Long.class)
                .single();
        long users = db.sql("select count(*) from users").query(Long.class).single();
        assertThat(userDays).isGreaterThan(users);
    }

    @Test
    void contentMetrics() {
        assertSameRows(
                "mv_content_metrics",
                "tenant_id, day, units_created, units_published, lesson_plans_created, templates_created",
                """
                with u as (select tenant_id, (created_at at time zone 'UTC')::date as day, count(*) as n from unit_plans group by 1, 2),
                     p as (select tenant_id, (published_at at time zone 'UTC')::date as day, count(*) as n
                           from unit_plans where published_at is not null group by 1, 2),
                     l as (select tenant_id, (created_at at time zone 'UTC')::date as day, count(*) as n from lesson_plans group by 1, 2),
                     t as (select tenant_id, (created_at at time zone 'UTC')::date as day, count(*) as n from templates group by 1, 2),
                     days as (select tenant_id, day from u union select tenant_id, day from p
                              union select tenant_id, day from l union select tenant_id, day from t)
                select d.tenant_id, d.day, coalesce(u.n, 0), coalesce(p.n, 0), coalesce(l.n, 0), coalesce(t.n, 0)
                from days as d
                left join u using (tenant_id, day) left join p using (tenant_id, day)
                left join l using (tenant_id, day) left join t using (tenant_id, day)
                """);
    }

    @Test
    void userLearningSummary() {
        assertSameRows(
                "mv_user_learning_summary",
                "tenant_id, user_id, lessons_started, lessons_completed, average_percent, "
                        + "courses_enrolled, courses_completed, exercises_completed, submissions_graded, average_score, last_learning_at",
                """
                select u.tenant_id, u.id,
                       (select count(*) from progress p where p.tenant_id = u.tenant_id and p.user_id = u.id and p.status <> 'not_started'),
                       (select count(*) from progress p where p.tenant_id = u.tenant_id and p.user_id = u.id and p.status = 'completed'),
                       (select round(avg(p.percent), 2) from progress p where p.tenant_id = u.tenant_id and p.user_id = u.id),
                       (select count(*) from enrollments e where e.tenant_id = u.tenant_id and e.user_id = u.id and e.status <> 'dropped'),
                       (select count(*) from enrollments e where e.tenant_id = u.tenant_id and e.user_id = u.id and e.status = 'completed'),
                       (select count(*) from user_exercises x where x.tenant_id = u.tenant_id and x.user_id = u.id and x.status = 'completed'),
                       (select count(*) from submissions s where s.tenant_id = u.tenant_id and s.user_id = u.id and s.status = 'graded'),
                       (select round(avg(s.score), 2) from submissions s
                        where s.tenant_id = u.tenant_id and s.user_id = u.id and s.status = 'graded'),
                       greatest((select max(p.updated_at) from progress p where p.tenant_id = u.tenant_id and p.user_id = u.id),
                                (select max(x.completed_at) from user_exercises x
                                 where x.tenant_id = u.tenant_id and x.user_id = u.id and x.status = 'completed'),
                                (select max(s.submitted_at) from submissions s where s.tenant_id = u.tenant_id and s.user_id = u.id))
                from users as u
                where u.role = 'student'
                """);
    }

    private static final String COURSE_ENROLLMENTS =
            "from enrollments e where e.tenant_id = c.tenant_id and e.course_id = c.id";
    private static final String COURSE_GRADED =
            "from submissions s join assignments a on a.tenant_id = s.tenant_id and a.id = s.assignment_id "
                    + "where a.tenant_id = c.tenant_id and a.course_id = c.id and s.status = 'graded'";
    private static final String COURSE_ATTEMPTS =
            "from quiz_attempts qa join quizzes z on z.tenant_id = qa.tenant_id and z.id = qa.quiz_id "
                    + "where z.tenant_id = c.tenant_id and z.course_id = c.id and qa.completed_at is not null";

    @Test
    void courseAnalytics() {
        assertSameRows(
                "mv_course_analytics",
                "tenant_id, course_id, instructor_id, status, enrollments, active_enrollments, "
                        + "completed_enrollments, dropped_enrollments, completion_rate, graded_submissions, average_submission_score, "
                        + "completed_quiz_attempts, average_quiz_score",
                "select c.tenant_id, c.id, c.instructor_id, c.status, "
                        + "(select count(*) " + COURSE_ENROLLMENTS + "), "
                        + "(select count(*) " + COURSE_ENROLLMENTS + " and e.status = 'active'), "
                        + "(select count(*) " + COURSE_ENROLLMENTS + " and e.status = 'completed'), "
                        + "(select count(*) " + COURSE_ENROLLMENTS + " and e.status = 'dropped'), "
                        + "(select round((count(*) filter (where e.status = 'completed'))::numeric / nullif(count(*), 0), 4) "
                        + COURSE_ENROLLMENTS + "), "
                        + "(select count(*) " + COURSE_GRADED + "), "
                        + "(select round(avg(s.score), 2) " + COURSE_GRADED + "), "
                        + "(select count(*) " + COURSE_ATTEMPTS + "), "
                        + "(select round(avg(qa.score), 2) " + COURSE_ATTEMPTS + ") "
                        + "from courses as c");
    }

    @Test
    void dailyPlatformMetrics() {
        assertSameRows(
                "mv_daily_platform_metrics",
                "tenant_id, day, active_users, events, actions, learning_sessions, learning_minutes, submissions, quiz_attempts",
                """
                with dau as (select tenant_id, day, count(distinct user_id) as n
                             from (select tenant_id, user_id, (created_at at time zone 'UTC')::date as day
                                   from activity_logs where user_id is not null
                                   union all
                                   select tenant_id, user_id, (occurred_at at time zone 'UTC')::date
                                   from analytics_events where user_id is not null) as x
                             group by 1, 2),
                     ev as (select tenant_id, (occurred_at at time zone 'UTC')::date as day, count(*) as n from analytics_events group by 1, 2),
                     act as (select tenant_id, (created_at at time zone 'UTC')::date as day, count(*) as n from activity_logs group by 1, 2),
                     ls as (select tenant_id, (start_time at time zone 'UTC')::date as day, count(*) as n,
                                   coalesce(round(sum(extract(epoch from end_time - start_time)) / 60), 0)::bigint as minutes
                            from learning_sessions group by 1, 2),
                     sub as (select tenant_id, (submitted_at at time zone 'UTC')::date as day, count(*) as n
                             from submissions where submitted_at is not null group by 1, 2),
                     qa as (select tenant_id, (started_at at time zone 'UTC')::date as day, count(*) as n from quiz_attempts group by 1, 2),
                     days as (select tenant_id, day from dau union select tenant_id, day from ev union select tenant_id, day from act
                              union select tenant_id, day from ls union select tenant_id, day from sub
                              union select tenant_id, day from qa)
                select d.tenant_id, d.day, coalesce(dau.n, 0), coalesce(ev.n, 0), coalesce(act.n, 0), coalesce(ls.n, 0),
                       coalesce(ls.minutes, 0), coalesce(sub.n, 0), coalesce(qa.n, 0)
                from days as d
                left join dau using (tenant_id, day) left join ev using (tenant_id, day) left join act using (tenant_id, day)
                left join ls using (tenant_id, day) left join sub using (tenant_id, day) left join qa using (tenant_id, day)
                """);
    }

    @Test
    void instructorPerformance() {
        assertSameRows(
                "mv_instructor_performance",
                "tenant_id, instructor_id, courses, published_courses, students_reached, average_completion_rate, average_submission_score",
                "select u.tenant_id, u.id, "
                        + "(select count(*) from courses c where c.tenant_id = u.tenant_id and c.instructor_id = u.id), "
                        + "(select count(*) from courses c where c.tenant_id = u.tenant_id and c.instructor_id = u.id and c.status = 'published'), "
                        + "(select count(distinct e.user_id) from enrollments e join courses c on c.tenant_id = e.tenant_id and c.id = e.course_id "
                        + " where c.tenant_id = u.tenant_id and c.instructor_id = u.id and e.status <> 'dropped'), "
                        + "(select round(avg((select round((count(*) filter (where e.status = 'completed'))::numeric / nullif(count(*), 0), 4) "
                        + COURSE_ENROLLMENTS
                        + ")), 4) from courses c where c.tenant_id = u.tenant_id and c.instructor_id = u.id), "
                        + "(select round(avg((select round(avg(s.score), 2) " + COURSE_GRADED + ")), 2) "
                        + " from courses c where c.tenant_id = u.tenant_id and c.instructor_id = u.id) "
                        + "from users as u "
                        + "where u.role = 'teacher' or exists (select 1 from courses c where c.tenant_id = u.tenant_id and c.instructor_id = u.id)");
    }

    @Test
    void theServersScheduledJobRunsAndReportsTheClustersRefreshes() throws Exception {
        MeterRegistry registry = TestApp.shared().bean(MeterRegistry.class);
        assertThat(registry.find("classbase.views.last_success").gauges()).hasSize(6);
        // its first tick comes 20 s after start; refreshed or skipped, it then reports the cluster's last success
        Double lastSuccess = Await.until(Duration.ofSeconds(90), () -> {
            double v = registry.get("classbase.views.last_success")
                    .tag("view", "mv_daily_active_users")
                    .gauge()
                    .value();
            return v > 0 ? v : null;
        });
        assertThat(lastSuccess).isNotNull();
        assertThat(registry.get("classbase.views.staleness")
                        .tag("view", "mv_instructor_performance")
                        .gauge()
                        .value())
                .isBetween(0.0, 3600.0);
    }

    @Test
    void theServiceRoleReadsOnlyItsTenantsRowsAndNeverTheViewsThemselves() throws SQLException {
        EmbeddedCluster cluster = TestCluster.shared().cluster();
        DataSource service = TestCluster.dataSource(cluster.service(cluster.primary()));
        long tenant = db.sql("select min(tenant_id) from mv_course_analytics")
                .query(Long.class)
                .single();
        long tenantsInView = db.sql("select count(distinct tenant_id) from mv_course_analytics")
                .query(Long.class)
                .single();
        assertThat(tenantsInView).as("the demo district has several tenants").isGreaterThan(1);
        long expected = db.sql("select count(*) from mv_course_analytics where tenant_id = ?")
                .param(tenant)
                .query(Long.class)
                .single();
        try (Connection c = service.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            try (ResultSet rs = s.executeQuery("select count(*) from tenant_course_analytics")) {
                rs.next();
                assertThat(rs.getLong(1)).as("no tenant set: no rows").isZero();
            }
            try (var set = c.prepareStatement("select set_config('app.tenant_id', ?, true)")) {
                set.setString(1, Long.toString(tenant));
                set.executeQuery().close();
            }
            for (String view : ViewRegistry.STANDARD.names()) {
                try (ResultSet rs = s.executeQuery("select count(distinct tenant_id), coalesce(min(tenant_id), 0) from "
                        + view.replace("mv_", "tenant_"))) {
                    rs.next();
                    assertThat(rs.getLong(1)).as(view + ": tenants seen").isEqualTo(1);
                    assertThat(rs.getLong(2)).isEqualTo(tenant);
                }
            }
            try (ResultSet rs = s.executeQuery("select count(*) from tenant_course_analytics")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(expected);
            }
            c.rollback();
            for (String view : ViewRegistry.STANDARD.names()) {
                assertThatThrownBy(() ->
                                s.executeQuery("select count(*) from " + view).close())
                        .as(view)
                        .isInstanceOfSatisfying(
                                SQLException.class,
                                e -> assertThat(e.getSQLState()).isEqualTo("42501"));
                c.rollback();
            }
            // PostgreSQL 17's MAINTAIN privilege includes REFRESH MATERIALIZED VIEW: a service role granted
            // pg_maintain (for scheduled VACUUM/ANALYZE, ops/maintenance) may refresh directly. The server
            // never does (it goes through V41's function, for the per-view lock and the bookkeeping).
            boolean maintains;
            try (ResultSet rs = s.executeQuery("select pg_has_role('pg_maintain', 'USAGE')")) {
                rs.next();
                maintains = rs.getBoolean(1);
            }
            // V64 grants it when a superuser migrates, as the test cluster's owner does
            assertThat(maintains).as("the service role holds pg_maintain (V64)").isTrue();
            s.execute("refresh materialized view mv_content_metrics");
            c.rollback();
        }
        // without pg_maintain the service role may not refresh directly: the grant is revoked in a
        // transaction of a superuser that then acts as the service role, and rolled back
        try (Connection c = TestCluster.shared().superuserDataSource().getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            List<String> grantors = new java.util.ArrayList<>();
            try (ResultSet rs = s.executeQuery("""
                    select grantor::regrole::text from pg_auth_members
                    where roleid = 'pg_maintain'::regrole and member = 'classbase_app'::regrole
                    """)) {
                while (rs.next()) {
                    grantors.add(rs.getString(1));
                }
            }
            assertThat(grantors).isNotEmpty();
            for (String grantor : grantors) {
                s.execute("revoke pg_maintain from classbase_app granted by " + grantor);
            }
            s.execute("set local role classbase_app");
            try (ResultSet rs = s.executeQuery("select pg_has_role('pg_maintain', 'USAGE')")) {
                rs.next();
                assertThat(rs.getBoolean(1)).as("pg_maintain revoked").isFalse();
            }
            assertThatThrownBy(() -> s.execute("refresh materialized view mv_content_metrics"))
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
            c.rollback();
        }
        // ... but it may refresh them, through V41's function (which is how the server's job does it)
        List<RefreshResult> asService = new ViewRefresher(service, ViewProperties.defaults(), Clock.systemUTC())
                .refresh(List.of("content_metrics"), true);
        assertThat(asService).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(RefreshResult.Outcome.REFRESHED);
            assertThat(r.concurrently()).isTrue();
        });
    }
}
