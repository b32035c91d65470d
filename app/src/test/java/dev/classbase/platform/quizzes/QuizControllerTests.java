package dev.classbase.platform.quizzes;

import static dev.classbase.platform.fixtures.ApiCalls.badRequest;
import static dev.classbase.platform.fixtures.ApiCalls.problem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.platform.fixtures.ApiCalls;
import dev.classbase.platform.fixtures.Budgets;
import dev.classbase.platform.fixtures.Classroom;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Quiz attempts over HTTP: the same requests in a class of 1 and of 50; bad input and foreign ids. */
class QuizControllerTests {
    private final TestApp app = TestApp.shared();
    private final ApiCalls api = new ApiCalls(app);
    private final JdbcClient owner = JdbcClient.create(TestCluster.shared().primaryDataSource());

    @Test
    void startAndCompleteCostTheSameInAClassOfOneAndOfFifty() {
        for (int students : new int[] {1, 50}) {
            Classroom school = Classroom.create(students, 1);
            String student = app.signIn(school.student(0).email());
            var start = api.post("/api/v1/quizzes/" + school.quizId() + "/attempts", student, null);
            assertThat(start.status()).as(start.response().body()).isEqualTo(201);
            assertThat(start.statements()).as("start").isEqualTo(Budgets.SIGNED_IN + Budgets.WRITE + 1);
            long attempt = start.json().path("id").asLong();
            var complete = api.post("/api/v1/quiz-attempts/" + attempt + "/complete", student, "{\"score\": 92.5}");
            assertThat(complete.status()).as(complete.response().body()).isEqualTo(200);
            assertThat(complete.statements()).as("complete").isEqualTo(Budgets.SIGNED_IN + Budgets.WRITE + 1);
            assertThat(start.nPlusOnes() + complete.nPlusOnes()).isZero();
        }
    }

    @Test
    void badScoresAndForeignIdsAreRefusedAndWriteNothing() {
        Classroom school = Classroom.create(1, 1);
        Classroom other = Classroom.create(1, 1);
        String student = app.signIn(school.student(0).email());
        problem(api.post("/api/v1/quizzes/" + other.quizId() + "/attempts", student, null), 404);
        problem(api.post("/api/v1/quizzes/" + Long.MAX_VALUE + "/attempts", student, null), 404);
        badRequest(api.post("/api/v1/quizzes/first/attempts", student, null), "id");

        long attempt = api.post("/api/v1/quizzes/" + school.quizId() + "/attempts", student, null)
                .json()
                .path("id")
                .asLong();
        String complete = "/api/v1/quiz-attempts/" + attempt + "/complete";
        problem(api.post(complete, student, "{\"score\": "), 400);
        badRequest(api.post(complete, student, "{}"), "score");
        badRequest(api.post(complete, student, "{\"score\": \"high\"}"), "score");
        badRequest(api.post(complete, student, "{\"score\": 101}"), "score");
        String otherStudent = app.signIn(other.student(0).email());
        problem(api.post(complete, otherStudent, "{\"score\": 50}"), 404);
        assertThat(owner.sql("select count(*) from quiz_attempts where tenant_id = :t and completed_at is null")
                        .param("t", school.tenantId())
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(owner.sql("select count(*) from quiz_attempts where tenant_id = :t")
                        .param("t", other.tenantId())
                        .query(Long.class)
                        .single())
                .isZero();
    }
}
