package dev.classbase.platform.dashboard;

import static dev.classbase.platform.dashboard.DashboardFixture.APP;
import static dev.classbase.platform.dashboard.DashboardFixture.OWNER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestApp;
import dev.classbase.web.auth.Caller;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The dashboard endpoints over HTTP on the demo district: roles, asOf, numbers, the live tail, bad input. */
class DashboardApiTests {
    private static final String BASE = "/api/v1/dashboard";
    private static final List<String> ENDPOINTS =
            List.of("/daily-activity", "/content-metrics", "/course-analytics", "/instructor-performance");

    private static String admin;
    private static String teacher;
    private static String student;

    @BeforeAll
    static void signedIn() throws Exception {
        DashboardFixture.ready();
        admin = APP.signIn("admin@northwood.demo");
        teacher = APP.signIn("teacher1@northwood.demo");
        student = APP.signIn("student1@northwood.demo");
    }

    @Test
    void dailyActivityIsTheRollupsOfTheTenantForEveryDayWithAsOf() {
        Caller caller = DashboardFixture.caller("admin@northwood.demo");
        JsonNode body = ok(BASE + "/daily-activity?from=2026-10-01&to=2026-11-02", admin);
        assertThat(body.path("asOf").isNull()).isFalse();
        assertThat(body.path("from").asString()).isEqualTo("2026-10-01");
        assertThat(body.path("items")).hasSize(33);
        long users = 0;
        for (JsonNode day : body.path("items")) {
            users += day.path("activeUsers").asLong();
        }
        long expected = OWNER.sql("""
                        select count(*) from (
                            select user_id, (created_at at time zone 'UTC')::date from activity_logs
                            where tenant_id = ? and user_id is not null
                              and created_at >= '2026-10-01' and created_at < '2026-11-03'
                            union
                            select user_id, (occurred_at at time zone 'UTC')::date from analytics_events
                            where tenant_id = ? and user_id is not null
                              and occurred_at >= '2026-10-01' and occurred_at < '2026-11-03') as a
                        """)
                .params(caller.tenantId(), caller.tenantId())
                .query(Long.class)
                .single();
        assertThat(users).isEqualTo(expected);
    }

    /**
     * mv_daily_platform_metrics, read by no endpoint before, is the platform-metrics answer: the
     * tenant's rows of the view for every day of the range, zeros between, and the view's refresh time.
     */
    @Test
    void platformMetricsAreTheViewsDaysOfTheTenantWithAsOf() {
        Caller caller = DashboardFixture.caller("admin@northwood.demo");
        String refreshedAt = "select refreshed_at from materialized_view_refreshes"
                + " where view_name = 'mv_daily_platform_metrics'";
        Instant before = OWNER.sql(refreshedAt)
                .query(java.time.OffsetDateTime.class)
                .single()
                .toInstant();
        JsonNode body = ok(BASE + "/platform-metrics?from=2026-10-01&to=2026-11-02", admin);
        Instant after = OWNER.sql(refreshedAt)
                .query(java.time.OffsetDateTime.class)
                .single()
                .toInstant();
        assertThat(java.time.OffsetDateTime.parse(body.path("asOf").asString()).toInstant())
                .as("the view's last refresh (a scheduled one may land between the reads)")
                .isIn(before, after);
        assertThat(body.path("to").asString()).isEqualTo("2026-11-02");
        JsonNode items = body.path("items");
        assertThat(items).hasSize(33);
        assertThat(items.get(0).path("day").asString()).isEqualTo("2026-10-01");
        assertThat(items.get(32).path("day").asString()).isEqualTo("2026-11-02");
        List<String> expected =
                OWNER.sql("""
                        select d.day::text || ' ' || coalesce(m.learning_sessions, 0) || ' '
                               || coalesce(m.learning_minutes, 0) || ' ' || coalesce(m.submissions, 0) || ' '
                               || coalesce(m.quiz_attempts, 0)
                        from (select g::date as day
                              from generate_series(date '2026-10-01', date '2026-11-02', interval '1 day') as g) as d
                        left join mv_daily_platform_metrics as m on m.tenant_id = ? and m.day = d.day
                        order by d.day
                        """).param(caller.tenantId()).query(String.class).list();
        List<String> answered = new java.util.ArrayList<>();
        for (JsonNode day : items) {
            answered.add(day.path("day").asString() + " "
                    + day.path("learningSessions").asLong() + " "
                    + day.path("learningMinutes").asLong() + " "
                    + day.path("submissions").asLong() + " "
                    + day.path("quizAttempts").asLong());
        }
        assertThat(answered).isEqualTo(expected);
        assertThat(expected)
                .as("the demo district learned, handed in and took quizzes in that range")
                .anyMatch(line -> !line.endsWith(" 0 0 0 0"));
        assertThat(APP.get(BASE + "/platform-metrics", teacher).statusCode())
                .as("tenant-wide totals are for admins")
                .isEqualTo(403);
    }

    @Test
    void todayIncludesEventsNotRolledUpYet() throws Exception {
        Caller student1 = DashboardFixture.caller("student1@northwood.demo");
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String path = BASE + "/daily-activity?from=" + today + "&to=" + today;
        long before = ok(path, teacher).path("items").get(0).path("events").asLong();
        OWNER.sql("insert into analytics_events (tenant_id, user_id, kind, occurred_at) values (?, ?, 'tail', ?)")
                .params(student1.tenantId(), student1.userId(), Timestamp.from(Instant.now()))
                .update();
        JsonNode after = Await.until(Duration.ofSeconds(30), () -> {
            JsonNode b = ok(path, teacher);
            return b.path("items").get(0).path("events").asLong() > before ? b : null;
        });
        assertThat(after)
                .as("today's new event is counted before any rollup run")
                .isNotNull();
        assertThat(after.path("items").get(0).path("activeStudents").asLong()).isPositive();
    }

    @Test
    void lateEventsOfAPastDayCountEachUserOnce() throws Exception {
        Caller caller = DashboardFixture.caller("admin@northwood.demo");
        LocalDate day = LocalDate.of(2026, 10, 14);
        String path = BASE + "/daily-activity?from=" + day + "&to=" + day;
        String activeThatDay = """
                select user_id from activity_logs
                where tenant_id = ? and created_at >= ? and created_at < ? and user_id is not null
                union
                select user_id from analytics_events
                where tenant_id = ? and occurred_at >= ? and occurred_at < ? and user_id is not null
                """;
        Timestamp start = Timestamp.from(day.atStartOfDay(ZoneOffset.UTC).toInstant());
        Timestamp end =
                Timestamp.from(day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
        List<Long> active = OWNER.sql(activeThatDay)
                .params(caller.tenantId(), start, end, caller.tenantId(), start, end)
                .query(Long.class)
                .list();
        long quiet = OWNER.sql("select id from users where tenant_id = ? and role = 'student' and id <> all(?)"
                        + " order by id limit 1")
                .params(caller.tenantId(), active.toArray(Long[]::new))
                .query(Long.class)
                .single();
        assertThat(active).as("the demo has activity on " + day).isNotEmpty();
        JsonNode before = ok(path, admin).path("items").get(0);

        Timestamp noon = Timestamp.from(day.atTime(12, 0).toInstant(ZoneOffset.UTC));
        OWNER.sql(
                        "insert into analytics_events (tenant_id, user_id, kind, occurred_at) values (?, ?, 'late', ?), (?, ?,"
                                + " 'late', ?)")
                .params(caller.tenantId(), active.getFirst(), noon, caller.tenantId(), quiet, noon)
                .update();

        long events = before.path("events").asLong() + 2;
        JsonNode after = Await.until(Duration.ofSeconds(30), () -> {
            JsonNode d = ok(path, admin).path("items").get(0);
            return d.path("events").asLong() == events ? d : null;
        });
        assertThat(after).as("both late events counted on " + day).isNotNull();
        assertThat(after.path("activeUsers").asLong())
                .as("a user already active that day is not counted twice; the quiet one is counted")
                .isEqualTo(before.path("activeUsers").asLong() + 1);
        assertThat(after.path("activeStudents").asLong())
                .isEqualTo(before.path("activeStudents").asLong() + 1);
    }

    @Test
    void viewEndpointsCarryTheViewsRefreshTimes() {
        Caller teacher1 = DashboardFixture.caller("teacher1@northwood.demo");
        for (String endpoint : ENDPOINTS) {
            assertThat(ok(BASE + endpoint, admin).path("asOf").isNull())
                    .as(endpoint)
                    .isFalse();
        }
        JsonNode own = ok(BASE + "/course-analytics", teacher);
        long courses = OWNER.sql("select count(*) from courses where tenant_id = ? and instructor_id = ?")
                .params(teacher1.tenantId(), teacher1.userId())
                .query(Long.class)
                .single();
        assertThat(own.path("items"))
                .as("a teacher sees only their own courses")
                .hasSize((int) courses);
        for (JsonNode course : own.path("items")) {
            assertThat(course.path("instructorId").asLong()).isEqualTo(teacher1.userId());
        }
        assertThat(ok(BASE + "/instructor-performance", teacher).path("items")).hasSize(1);
        long studentId = DashboardFixture.caller("student1@northwood.demo").userId();
        JsonNode summary = ok(BASE + "/users/" + studentId + "/learning-summary", admin);
        assertThat(summary.path("asOf").isNull()).isFalse();
        assertThat(summary.path("summary").path("userId").asLong()).isEqualTo(studentId);
        assertThat(APP.get(BASE + "/users/999999999/learning-summary", admin).statusCode())
                .isEqualTo(404);
    }

    @Test
    void studentsAreForbiddenEverywhere() {
        long studentId = DashboardFixture.caller("student1@northwood.demo").userId();
        for (String endpoint : List.of(
                "/platform-metrics",
                ENDPOINTS.get(0),
                ENDPOINTS.get(1),
                ENDPOINTS.get(2),
                ENDPOINTS.get(3),
                "/users/" + studentId + "/learning-summary")) {
            assertThat(APP.get(BASE + endpoint, student).statusCode())
                    .as(endpoint)
                    .isEqualTo(403);
        }
    }

    @Test
    void reversedRangesAreABadRequestNamingFrom() {
        for (String endpoint : List.of("/daily-activity", "/content-metrics", "/platform-metrics")) {
            badRequest(BASE + endpoint + "?from=2026-11-02&to=2026-10-01", "from");
        }
    }

    @Test
    void rangesLongerThanTheMaximumAreABadRequestNamingTo() {
        badRequest(BASE + "/daily-activity?from=2025-01-01&to=2026-01-02", "to");
        badRequest(BASE + "/content-metrics?from=2020-01-01&to=2026-01-01", "to");
        badRequest(BASE + "/platform-metrics?from=2025-01-01&to=2026-01-02", "to");
        assertThat(APP.get(BASE + "/daily-activity?from=2025-01-02&to=2026-01-02", admin)
                        .statusCode())
                .as("366 days is allowed")
                .isEqualTo(200);
    }

    @Test
    void malformedDatesAreABadRequestNamingTheParameter() {
        badRequest(BASE + "/daily-activity?from=2026-13-01&to=2026-11-02", "from");
        badRequest(BASE + "/daily-activity?from=2026-10-01&to=yesterday", "to");
        badRequest(BASE + "/content-metrics?from=02/11/2026", "from");
        badRequest(BASE + "/platform-metrics?from=2026-10-01&to=2026-11-31", "to");
        badRequest(BASE + "/users/abc/learning-summary", "id");
    }

    private static JsonNode ok(String path, String token) {
        HttpResponse<String> response = APP.get(path, token);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TestApp.json(response);
    }

    private static void badRequest(String path, String field) {
        HttpResponse<String> response = APP.get(path, admin);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(400);
        assertThat(TestApp.json(response).path("field").asString())
                .as(response.body())
                .isEqualTo(field);
    }
}
