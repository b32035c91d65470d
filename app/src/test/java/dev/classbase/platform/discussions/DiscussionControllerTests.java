package dev.classbase.platform.discussions;

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

/** Posting over HTTP: one statement in a class of 1 and of 50; bad bodies and foreign ids. */
class DiscussionControllerTests {
    private final TestApp app = TestApp.shared();
    private final ApiCalls api = new ApiCalls(app);
    private final JdbcClient owner = JdbcClient.create(TestCluster.shared().primaryDataSource());

    @Test
    void aPostCostsTheSameInAClassOfOneAndOfFifty() {
        for (int students : new int[] {1, 50}) {
            Classroom school = Classroom.create(students, 0);
            var post = api.post(
                    "/api/v1/discussions/" + school.discussionId() + "/posts",
                    app.signIn(school.student(0).email()),
                    "{\"body\": \"hello\"}");
            assertThat(post.status()).as(post.response().body()).isEqualTo(201);
            assertThat(post.statements()).isEqualTo(Budgets.SIGNED_IN + Budgets.WRITE + 1);
            assertThat(post.nPlusOnes()).isZero();
        }
    }

    @Test
    void badBodiesAndForeignDiscussionsAreRefusedAndWriteNothing() {
        Classroom school = Classroom.create(1, 0);
        Classroom other = Classroom.create(1, 0);
        String student = app.signIn(school.student(0).email());
        String path = "/api/v1/discussions/" + school.discussionId() + "/posts";
        problem(api.post(path, student, "{\"body\": "), 400);
        badRequest(api.post(path, student, "{}"), "body");
        badRequest(api.post(path, student, "{\"body\": \"a\\u0000b\"}"), "body");
        badRequest(api.post(path, student, "{\"body\": \" \"}"), "body");
        badRequest(api.post(path, student, "{\"body\": [1, 2]}"), "body");
        problem(api.post("/api/v1/discussions/" + other.discussionId() + "/posts", student, "{\"body\": \"x\"}"), 404);
        problem(api.post("/api/v1/discussions/" + Long.MAX_VALUE + "/posts", student, "{\"body\": \"x\"}"), 404);
        badRequest(api.post("/api/v1/discussions/general/posts", student, "{\"body\": \"x\"}"), "id");
        for (long tenant : new long[] {school.tenantId(), other.tenantId()}) {
            assertThat(owner.sql("select count(*) from discussion_posts where tenant_id = :t")
                            .param("t", tenant)
                            .query(Long.class)
                            .single())
                    .isZero();
        }
    }
}
