package dev.classbase.platform.events;

import static dev.classbase.platform.fixtures.ApiCalls.badRequest;
import static dev.classbase.platform.fixtures.ApiCalls.problem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.platform.fixtures.ApiCalls;
import dev.classbase.platform.fixtures.Budgets;
import dev.classbase.platform.fixtures.Classroom;
import dev.classbase.platform.fixtures.Replicas;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Event ingestion and a user's events over HTTP: a batch of 1 and of 1000 is one INSERT, a page of
 * 1 event and of 20 one SELECT; an oversized batch is 413 with the limit, bad events 400 naming the
 * event and field, and none of a refused batch is written.
 */
class EventControllerTests {
    private final TestApp app = TestApp.shared();
    private final ApiCalls api = new ApiCalls(app);
    private final JdbcClient owner = JdbcClient.create(TestCluster.shared().primaryDataSource());

    @Test
    void aBatchOfOneAndOfAThousandIsOneInsert() {
        Classroom school = Classroom.create(1, 0);
        String student = app.signIn(school.student(0).email());
        var one = api.post("/api/v1/events", student, batch(1));
        var thousand = api.post("/api/v1/events", student, batch(1000));
        assertThat(one.status()).as(one.response().body()).isEqualTo(202);
        assertThat(thousand.json().path("accepted").asInt()).isEqualTo(1000);
        assertThat(one.statements()).isEqualTo(Budgets.SIGNED_IN + Budgets.WRITE + 1);
        assertThat(thousand.statements()).isEqualTo(one.statements());
        assertThat(one.nPlusOnes() + thousand.nPlusOnes()).isZero();
        assertThat(count(school)).isEqualTo(1001);
    }

    @Test
    void aUsersEventsCostOneStatementForOneEventAndForTwenty() {
        Classroom small = Classroom.create(1, 0);
        Classroom large = Classroom.create(1, 0);
        insertEvents(small, 1);
        insertEvents(large, 20);
        var one = api.get(
                "/api/v1/users/" + small.studentIds().getFirst() + "/events?limit=100",
                app.signIn(small.student(0).email()));
        String largeToken = app.signIn(large.student(0).email());
        var twenty = api.get("/api/v1/users/" + large.studentIds().getFirst() + "/events?limit=100", largeToken);
        assertThat(one.json().path("items")).as(one.response().body()).hasSize(1);
        assertThat(twenty.json().path("items")).hasSize(20);
        assertThat(one.statements()).isEqualTo(Budgets.SIGNED_IN + Budgets.READ + 1);
        assertThat(twenty.statements()).isEqualTo(one.statements());
        assertThat(one.nPlusOnes() + twenty.nPlusOnes()).isZero();

        var page = api.get("/api/v1/users/" + large.studentIds().getFirst() + "/events?limit=15", largeToken);
        String cursor = page.json().path("nextCursor").asString();
        var rest = api.get(
                "/api/v1/users/" + large.studentIds().getFirst() + "/events?limit=15&cursor=" + cursor, largeToken);
        assertThat(page.json().path("items")).hasSize(15);
        assertThat(rest.json().path("items")).hasSize(5);
        assertThat(rest.statements()).isEqualTo(one.statements());
    }

    @Test
    void pageSizesCursorsAndForeignUsersAreRefused() {
        Classroom school = Classroom.create(1, 0);
        Classroom other = Classroom.create(1, 0);
        String admin = app.signIn(school.admin().email());
        String path = "/api/v1/users/" + school.studentIds().getFirst() + "/events";
        for (String limit : List.of("0", "101")) {
            var body = badRequest(api.get(path + "?limit=" + limit, admin), "limit");
            assertThat(body.path("limit").asInt()).isEqualTo(EventService.MAX_PAGE);
        }
        badRequest(api.get(path + "?limit=ten", admin), "limit");
        for (String cursor : List.of(
                "garbage!!",
                "Zm9v",
                "OTk5OTk5OTk5OTk5OTk5OTk5OTk6MQ", // 99999999999999999999:1, over a long
                encode("-9223372036854775807:1"), // a time PostgreSQL cannot hold
                encode("1:x"))) {
            badRequest(api.get(path + "?cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8), admin), "cursor");
        }
        problem(api.get("/api/v1/users/" + other.studentIds().getFirst() + "/events", admin), 404);
        problem(api.get("/api/v1/users/" + Long.MAX_VALUE + "/events", admin), 404);
    }

    @Test
    void oversizedMalformedOrForeignBatchesAreRefusedAndWriteNothing() {
        Classroom school = Classroom.create(1, 0);
        Classroom other = Classroom.create(1, 0);
        String student = app.signIn(school.student(0).email());
        String admin = app.signIn(school.admin().email());

        var tooMany = problem(api.post("/api/v1/events", student, batch(EventService.MAX_BATCH + 1)), 413);
        assertThat(tooMany.path("limit").asInt()).isEqualTo(EventService.MAX_BATCH);
        assertThat(tooMany.path("field").asString()).isEqualTo("events");
        String bigPayload = "{\"events\": [{\"kind\": \"k\", \"occurredAt\": \"2026-11-01T10:00:00Z\", "
                + "\"payload\": {\"text\": \"" + "x".repeat(EventService.MAX_PAYLOAD) + "\"}}]}";
        assertThat(problem(api.post("/api/v1/events", student, bigPayload), 413)
                        .path("limit")
                        .asInt())
                .isEqualTo(EventService.MAX_PAYLOAD);

        problem(api.post("/api/v1/events", student, "{\"events\": [{\"kind\": "), 400);
        badRequest(api.post("/api/v1/events", student, "{}"), "events");
        badRequest(api.post("/api/v1/events", student, "{\"events\": []}"), "events");
        badRequest(api.post("/api/v1/events", student, "{\"events\": 5}"), "events");
        badRequest(
                api.post("/api/v1/events", student, "{\"events\": [" + event(null) + ", {\"kind\": \"k\"}]}"),
                "events[1].occurredAt");
        badRequest(
                api.post("/api/v1/events", student, "{\"events\": [{\"kind\": \"k\", \"occurredAt\": \"yesterday\"}]}"),
                "events[0].occurredAt");
        badRequest(
                api.post(
                        "/api/v1/events",
                        student,
                        "{\"events\": [{\"kind\": \"k\", \"occurredAt\": \"2026-11-01T10:00:00Z\", \"payload\": 7}]}"),
                "events[0].payload");
        badRequest(
                api.post(
                        "/api/v1/events",
                        student,
                        "{\"events\": [{\"kind\": \"k\", \"occurredAt\": \"2026-11-01T10:00:00Z\", "
                                + "\"payload\": {\"a\": \"x\\u0000\"}}]}"),
                "events[0].payload");
        problem(
                api.post(
                        "/api/v1/events",
                        student,
                        "{\"events\": [" + event(null) + ", " + event(school.adminId()) + "]}"),
                403);
        badRequest(
                api.post(
                        "/api/v1/events",
                        admin,
                        "{\"events\": [" + event(null) + ", "
                                + event(other.studentIds().getFirst()) + "]}"),
                "events[].userId");
        // no such user anywhere: the batch's user check (V71 dropped the per-row foreign key) refuses it all
        badRequest(
                api.post(
                        "/api/v1/events",
                        admin,
                        "{\"events\": [" + event(null) + ", " + event(9_999_999_999L) + ", " + event(null) + "]}"),
                "events[].userId");
        assertThat(count(school)).isZero();
        assertThat(count(other)).isZero();
    }

    private static String encode(String plain) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    private static String batch(int n) {
        StringJoiner events = new StringJoiner(", ", "{\"events\": [", "]}");
        for (int i = 0; i < n; i++) {
            events.add(event(null));
        }
        return events.toString();
    }

    private static String event(Long user) {
        return "{\"kind\": \"page_view\", \"occurredAt\": \""
                + OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(5) + "\", \"payload\": {\"path\": \"/courses\"}"
                + (user == null ? "" : ", \"userId\": " + user) + "}";
    }

    private void insertEvents(Classroom school, int n) {
        owner.sql("""
                        insert into analytics_events (tenant_id, user_id, kind, payload, occurred_at)
                        select :t, :u, 'page_view', '{}', now() - interval '1 hour' * g
                        from generate_series(1, :n) as g
                        """)
                .param("t", school.tenantId())
                .param("u", school.studentIds().getFirst())
                .param("n", n)
                .update();
        Replicas.await(
                "select count(*) = :n from analytics_events where tenant_id = :t",
                Map.of("t", school.tenantId(), "n", (long) n));
    }

    private long count(Classroom school) {
        return owner.sql("select count(*) from analytics_events where tenant_id = :t")
                .param("t", school.tenantId())
                .query(Long.class)
                .single();
    }
}
