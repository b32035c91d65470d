package dev.classbase.platform.atrisk;

import static dev.classbase.platform.atrisk.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.platform.fixtures.Budgets;
import dev.classbase.testsupport.TestApp;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code GET /api/v1/courses/{courseId}/at-risk} over HTTP, as a signed-in teacher would call it. */
class AtRiskControllerTests {
    private final TestApp app = TestApp.shared();

    @Test
    void theTeacherGetsTheReportWithTheReasons() {
        Cohort cohort = Cohort.create(4, 4);
        String teacher = app.signIn("teacher1@" + cohort.slug() + ".demo");

        HttpResponse<String> response = app.get("/api/v1/courses/" + cohort.courseId() + "/at-risk", teacher);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Classbase-Query-Count"))
                .as("the statements of the request: the service's budget, nothing around it")
                .hasValue(Integer.toString(Budgets.SIGNED_IN + Budgets.READ + 1));
        JsonNode report = TestApp.json(response);
        assertThat(report.path("enrolled").asInt()).isEqualTo(4);
        assertThat(report.path("criteria").path("inactiveDays").asInt()).isEqualTo(14);
        assertThat(report.path("students").size()).isEqualTo(1);
        JsonNode student = report.path("students").get(0);
        assertThat(student.path("id").asLong()).isEqualTo(cohort.studentIds().get(3));
        assertThat(student.path("reasons").valueStream().map(JsonNode::asString))
                .containsExactly("missing_work", "low_scores", "low_activity");
    }

    @Test
    void studentsAreForbiddenAndOtherTenantsCoursesAreNotFound() {
        Cohort mine = Cohort.create(2, 2);
        Cohort theirs = Cohort.create(2, 2);
        String teacher = app.signIn("teacher1@" + mine.slug() + ".demo");
        String student = app.signIn("student1@" + mine.slug() + ".demo");

        assertProblem(app.get("/api/v1/courses/" + mine.courseId() + "/at-risk", student), 403, null);
        assertProblem(app.get("/api/v1/courses/" + theirs.courseId() + "/at-risk", teacher), 404, null);
        assertProblem(app.get("/api/v1/courses/" + mine.courseId() + "/at-risk", null), 401, null);
    }

    @Test
    void badParametersAreProblemsNamingTheParameter() {
        Cohort cohort = Cohort.create(1, 2);
        String teacher = app.signIn("teacher1@" + cohort.slug() + ".demo");
        String path = "/api/v1/courses/" + cohort.courseId() + "/at-risk";

        assertProblem(app.get("/api/v1/courses/abc/at-risk", teacher), 400, "courseId");
        assertProblem(app.get("/api/v1/courses/99999999999999999999/at-risk", teacher), 400, "courseId");
        assertProblem(app.get(path + "?scoreBelow=abc", teacher), 400, "scoreBelow");
        assertProblem(app.get(path + "?scoreBelow=100.5", teacher), 400, "scoreBelow");
        assertProblem(app.get(path + "?inactiveDays=0", teacher), 400, "inactiveDays");
        assertProblem(app.get(path + "?inactiveDays=1e3", teacher), 400, "inactiveDays");
        assertProblem(app.get(path + "?asOf=yesterday", teacher), 400, "asOf");
        assertProblem(app.get(path + "?asOf=2026-13-01", teacher), 400, "asOf");
        assertThat(app.get(path + "?asOf=2026-11-02&scoreBelow=50&inactiveDays=30", teacher)
                        .statusCode())
                .isEqualTo(200);
    }
}
