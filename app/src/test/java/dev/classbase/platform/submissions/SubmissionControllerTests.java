package dev.classbase.platform.submissions;

import static dev.classbase.platform.fixtures.ApiCalls.badRequest;
import static dev.classbase.platform.fixtures.ApiCalls.problem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.platform.fixtures.ApiCalls;
import dev.classbase.platform.fixtures.Budgets;
import dev.classbase.platform.fixtures.Classroom;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Submitting and grading over HTTP: the same requests in a class of 1 and of 50, a retry with the
 * same Idempotency-Key answering the first response again without a second row (also when the
 * copies race), a key being the user's own (another student's same key is another request; the
 * same key for another request is 422), and the error contract with nothing half-written.
 */
class SubmissionControllerTests {
    private final TestApp app = TestApp.shared();
    private final ApiCalls api = new ApiCalls(app);
    private final JdbcClient owner = JdbcClient.create(TestCluster.shared().primaryDataSource());

    @Test
    void submitRetryAndGradeCostTheSameInAClassOfOneAndOfFifty() {
        for (int students : new int[] {1, 50}) {
            Classroom school = Classroom.create(students, 4);
            long assignment = school.assignmentIds().get(1);
            String student = app.signIn(school.student(0).email());
            Map<String, String> key = Map.of("Idempotency-Key", "essay-" + students);

            var first = submit(student, assignment, "{\"body\": \"my essay\"}", key);
            assertThat(first.status()).as(first.response().body()).isEqualTo(201);
            assertThat(first.statements()).as("submit").isEqualTo(Budgets.SIGNED_IN + Budgets.WRITE + 1);
            var retry = submit(student, assignment, "{\"body\": \"my essay\"}", key);
            assertThat(retry.status()).isEqualTo(200);
            assertThat(retry.json()).isEqualTo(first.json());
            assertThat(retry.statements()).as("retry").isEqualTo(Budgets.SIGNED_IN + Budgets.WRITE + 2);
            assertThat(rows(school, assignment)).isEqualTo(1);

            long id = first.json().path("id").asLong();
            var grade = api.post(
                    "/api/v1/submissions/" + id + "/grade",
                    app.signIn(school.teacher().email()),
                    "{\"score\": 88}");
            assertThat(grade.status()).as(grade.response().body()).isEqualTo(200);
            assertThat(grade.json().path("status").asString()).isEqualTo("graded");
            assertThat(grade.statements()).as("grade").isEqualTo(Budgets.SIGNED_IN + Budgets.WRITE + 2);
            assertThat(first.nPlusOnes() + retry.nPlusOnes() + grade.nPlusOnes())
                    .isZero();
        }
    }

    @Test
    void badInputAndForeignIdsAreRefusedAndWriteNothing() {
        Classroom school = Classroom.create(1, 4);
        Classroom other = Classroom.create(1, 2);
        long assignment = school.assignmentIds().get(1);
        String student = app.signIn(school.student(0).email());
        Map<String, String> key = Map.of("Idempotency-Key", "k");

        badRequest(submit(student, assignment, "{\"body\": \"x\"}", Map.of()), "Idempotency-Key");
        badRequest(
                submit(student, assignment, "{\"body\": \"x\"}", Map.of("Idempotency-Key", "k".repeat(201))),
                "Idempotency-Key");
        problem(submit(student, assignment, "{\"body\": ", key), 400);
        badRequest(submit(student, assignment, "{}", key), "body");
        badRequest(submit(student, assignment, "{\"body\": \"a\\u0000b\"}", key), "body");
        badRequest(submit(student, assignment, "{\"body\": {\"text\": \"x\"}}", key), "body");
        problem(submit(student, other.assignmentIds().getFirst(), "{\"body\": \"x\"}", key), 404);
        problem(submit(student, Long.MAX_VALUE, "{\"body\": \"x\"}", key), 404);
        badRequest(api.send("POST", "/api/v1/assignments/one/submissions", student, "{\"body\": \"x\"}", key), "id");
        assertThat(rows(school, assignment)).isZero();

        String teacher = app.signIn(school.teacher().email());
        long submitted = submit(student, assignment, "{\"body\": \"x\"}", key)
                .json()
                .path("id")
                .asLong();
        badRequest(api.post("/api/v1/submissions/" + submitted + "/grade", teacher, "{\"score\": \"high\"}"), "score");
        badRequest(api.post("/api/v1/submissions/" + submitted + "/grade", teacher, "{}"), "score");
        badRequest(api.post("/api/v1/submissions/" + submitted + "/grade", teacher, "{\"score\": 100.5}"), "score");
        long foreign = owner.sql("select min(id) from submissions where tenant_id = :t")
                .param("t", other.tenantId())
                .query(Long.class)
                .single();
        problem(api.post("/api/v1/submissions/" + foreign + "/grade", teacher, "{\"score\": 1}"), 404);
        assertThat(owner.sql("select score from submissions where tenant_id = :t and id = :id")
                        .param("t", other.tenantId())
                        .param("id", foreign)
                        .query(BigDecimal.class)
                        .single())
                .isEqualByComparingTo("80"); // as the fixture graded it
        assertThat(owner.sql("select status from submissions where tenant_id = :t and id = :id")
                        .param("t", school.tenantId())
                        .param("id", submitted)
                        .query(String.class)
                        .single())
                .isEqualTo("submitted");
    }

    @Test
    void aKeyIsTheUsersOwn_twoStudentsWithOneKeyGetTwoRows() {
        Classroom school = Classroom.create(2, 4);
        long assignment = school.assignmentIds().get(1);
        Map<String, String> key = Map.of("Idempotency-Key", "essay");

        var first = submit(app.signIn(school.student(0).email()), assignment, "{\"body\": \"mine\"}", key);
        var second = submit(app.signIn(school.student(1).email()), assignment, "{\"body\": \"theirs\"}", key);

        assertThat(first.status()).as(first.response().body()).isEqualTo(201);
        assertThat(second.status()).as(second.response().body()).isEqualTo(201);
        assertThat(second.json().path("id").asLong())
                .isNotEqualTo(first.json().path("id").asLong());
        assertThat(second.json().path("body").asString()).isEqualTo("theirs");
        assertThat(rows(school, assignment)).isEqualTo(2);
    }

    @Test
    void theSameKeyForAnotherRequestIs422AndWritesNothing() {
        Classroom school = Classroom.create(1, 4);
        long assignment = school.assignmentIds().get(1);
        long otherAssignment = school.assignmentIds().get(2);
        String student = app.signIn(school.student(0).email());
        Map<String, String> key = Map.of("Idempotency-Key", "essay");
        var first = submit(student, assignment, "{\"body\": \"draft one\"}", key);
        assertThat(first.status()).as(first.response().body()).isEqualTo(201);

        var otherBody = submit(student, assignment, "{\"body\": \"draft two\"}", key);
        var otherTarget = submit(student, otherAssignment, "{\"body\": \"draft one\"}", key);

        for (var refused : new ApiCalls.Call[] {otherBody, otherTarget}) {
            var problem = problem(refused, 422);
            assertThat(problem.path("field").asString()).isEqualTo("Idempotency-Key");
            assertThat(problem.path("detail").asString()).contains("another request");
        }
        assertThat(rows(school, assignment)).isEqualTo(1);
        assertThat(rows(school, otherAssignment)).isZero();
        assertThat(owner.sql("select body from submissions where tenant_id = :t and assignment_id = :a")
                        .param("t", school.tenantId())
                        .param("a", assignment)
                        .query(String.class)
                        .single())
                .isEqualTo("draft one");
        var retry = submit(student, assignment, "{\"body\": \"draft one\"}", key);
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.json()).isEqualTo(first.json());
    }

    @Test
    void concurrentIdenticalRequestsMakeOneRowAndAllAnswerWithIt() throws Exception {
        Classroom school = Classroom.create(1, 4);
        long assignment = school.assignmentIds().get(3);
        String student = app.signIn(school.student(0).email());
        Map<String, String> key = Map.of("Idempotency-Key", "raced");
        int n = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<ApiCalls.Call>> calls = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    return submit(student, assignment, "{\"body\": \"same\"}", key);
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            Set<Long> ids = new HashSet<>();
            for (var call : calls) {
                ApiCalls.Call c = call.get();
                statuses.add(c.status());
                ids.add(c.json().path("id").asLong());
            }
            assertThat(statuses).containsOnly(201, 200).containsOnlyOnce(201);
            assertThat(ids).hasSize(1);
        }
        assertThat(rows(school, assignment)).isEqualTo(1);
    }

    private ApiCalls.Call submit(String token, long assignment, String json, Map<String, String> headers) {
        return api.send("POST", "/api/v1/assignments/" + assignment + "/submissions", token, json, headers);
    }

    private long rows(Classroom school, long assignment) {
        return owner.sql("select count(*) from submissions where tenant_id = :t and assignment_id = :a")
                .param("t", school.tenantId())
                .param("a", assignment)
                .query(Long.class)
                .single();
    }
}
