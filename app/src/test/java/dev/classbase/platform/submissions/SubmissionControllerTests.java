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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Submitting and grading over HTTP: the same requests in a class of 1 and of 50, a retry with the
 * same Idempotency-Key answering the first response again without a second row, and the error
 * contract with nothing half-written.
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
