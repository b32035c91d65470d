package dev.classbase.platform.progress;

import static dev.classbase.platform.atrisk.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.platform.atrisk.Cohort;
import dev.classbase.platform.fixtures.Budgets;
import dev.classbase.testsupport.TestApp;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code GET /api/v1/courses/{courseId}/progress?userId=} over HTTP. */
class ProgressControllerTests {
    private final TestApp app = TestApp.shared();

    @Test
    void aStudentSeesTheirOwnProgressAndTheTeacherAnyStudentsOfTheCourse() {
        Cohort mine = Cohort.create(2, 2);
        Cohort theirs = Cohort.create(1, 2);
        String student = app.signIn("student1@" + mine.slug() + ".demo");
        String teacher = app.signIn("teacher1@" + mine.slug() + ".demo");
        String path = "/api/v1/courses/" + mine.courseId() + "/progress";

        HttpResponse<String> own = app.get(path, student);
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(own.headers().firstValue("Classbase-Query-Count"))
                .as("the statements of the request: the service's budget, nothing around it")
                .hasValue(Integer.toString(Budgets.SIGNED_IN + ProgressServiceTests.PROGRESS));
        JsonNode progress = TestApp.json(own);
        assertThat(progress.path("userId").asLong()).isEqualTo(mine.studentIds().get(0));
        assertThat(progress.path("lessons").asInt()).isEqualTo(Cohort.LESSONS);
        assertThat(progress.path("items").size()).isEqualTo(Cohort.LESSONS);
        assertThat(progress.path("items").get(0).path("status").asString()).isEqualTo("completed");

        assertThat(app.get(path + "?userId=" + mine.studentIds().get(1), teacher)
                        .statusCode())
                .isEqualTo(200);
        assertProblem(app.get(path + "?userId=" + mine.studentIds().get(1), student), 403, null);
        assertProblem(app.get("/api/v1/courses/" + theirs.courseId() + "/progress", student), 404, null);
        assertProblem(app.get(path + "?userId=" + theirs.studentIds().get(0), teacher), 404, null);
    }

    @Test
    void idsThatAreNotNumbersAreProblemsNamingTheParameter() {
        Cohort cohort = Cohort.create(1, 2);
        String teacher = app.signIn("teacher1@" + cohort.slug() + ".demo");
        assertProblem(app.get("/api/v1/courses/first/progress", teacher), 400, "courseId");
        assertProblem(app.get("/api/v1/courses/" + cohort.courseId() + "/progress?userId=me", teacher), 400, "userId");
    }
}
