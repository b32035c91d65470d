package dev.classbase.platform.engagement;

import static dev.classbase.platform.atrisk.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.platform.atrisk.Cohort;
import dev.classbase.platform.fixtures.Budgets;
import dev.classbase.testsupport.TestApp;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code GET /api/v1/courses/{courseId}/students/{userId}/engagement} over HTTP. */
class EngagementControllerTests {
    private final TestApp app = TestApp.shared();

    @Test
    void aStudentSeesTheirOwnEngagementAndNobodyElses() {
        Cohort mine = Cohort.create(2, 2);
        Cohort theirs = Cohort.create(1, 2);
        String student = app.signIn("student1@" + mine.slug() + ".demo");
        String teacher = app.signIn("teacher1@" + mine.slug() + ".demo");
        String path = "/api/v1/courses/" + mine.courseId() + "/students/";

        HttpResponse<String> own = app.get(path + mine.studentIds().get(0) + "/engagement", student);
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(own.headers().firstValue("Classbase-Query-Count"))
                .as("the statements of the request: the service's budget, nothing around it")
                .hasValue(Integer.toString(Budgets.SIGNED_IN + EngagementServiceTests.ENGAGEMENT));
        JsonNode engagement = TestApp.json(own);
        assertThat(engagement.path("student").path("id").asLong())
                .isEqualTo(mine.studentIds().get(0));
        assertThat(engagement.path("submissions").path("count").asLong()).isEqualTo(1);
        assertThat(engagement.path("quizAttempts").path("count").asLong()).isEqualTo(1);
        assertThat(engagement.path("discussionPosts").path("count").asLong()).isEqualTo(2);
        assertThat(engagement.path("lastActivityAt").isString()).isTrue();

        assertThat(app.get(path + mine.studentIds().get(1) + "/engagement", teacher)
                        .statusCode())
                .isEqualTo(200);
        assertProblem(app.get(path + mine.studentIds().get(1) + "/engagement", student), 403, null);
        assertProblem(
                app.get(
                        "/api/v1/courses/" + theirs.courseId() + "/students/"
                                + theirs.studentIds().get(0) + "/engagement",
                        teacher),
                404,
                null);
        assertProblem(app.get(path + theirs.studentIds().get(0) + "/engagement", teacher), 404, null);
    }

    @Test
    void idsThatAreNotNumbersAreProblemsNamingThePathVariable() {
        Cohort cohort = Cohort.create(1, 2);
        String teacher = app.signIn("teacher1@" + cohort.slug() + ".demo");
        assertProblem(app.get("/api/v1/courses/x/students/1/engagement", teacher), 400, "courseId");
        assertProblem(
                app.get("/api/v1/courses/" + cohort.courseId() + "/students/1.5/engagement", teacher), 400, "userId");
    }
}
