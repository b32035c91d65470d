package dev.classbase.platform.gradebook;

import static dev.classbase.platform.fixtures.ApiCalls.badRequest;
import static dev.classbase.platform.fixtures.ApiCalls.problem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.platform.fixtures.ApiCalls;
import dev.classbase.platform.fixtures.Budgets;
import dev.classbase.platform.fixtures.Classroom;
import dev.classbase.testsupport.TestApp;
import org.junit.jupiter.api.Test;

/** The gradebook over HTTP: 5 students x 6 assignments and 50 x 40 in the same statements. */
class GradebookControllerTests {
    private final TestApp app = TestApp.shared();
    private final ApiCalls api = new ApiCalls(app);

    @Test
    void aSectionOfFiveAndOfFiftyCostTheSameRequest() {
        Classroom small = Classroom.create(5, 6);
        Classroom large = Classroom.create(50, 40);
        var five = api.get(path(small.sectionId()), app.signIn(small.teacher().email()));
        var fifty = api.get(path(large.sectionId()), app.signIn(large.teacher().email()));
        assertThat(five.status()).as(five.response().body()).isEqualTo(200);
        assertThat(fifty.json().path("students")).hasSize(50);
        assertThat(fifty.json().path("students").get(0).path("cells")).hasSize(40);
        assertThat(five.statements()).isEqualTo(Budgets.SIGNED_IN + Budgets.READ + 4);
        assertThat(fifty.statements()).isEqualTo(five.statements());
        assertThat(five.nPlusOnes() + fifty.nPlusOnes()).isZero();
    }

    @Test
    void otherTenantsSectionsAreNotFoundStudentsForbiddenBadIds400() {
        Classroom mine = Classroom.create(1, 1);
        Classroom theirs = Classroom.create(1, 1);
        String teacher = app.signIn(mine.teacher().email());
        problem(api.get(path(theirs.sectionId()), teacher), 404);
        problem(api.get(path(Long.MAX_VALUE), teacher), 404);
        problem(api.get(path(mine.sectionId()), app.signIn(mine.student(0).email())), 403);
        badRequest(api.get("/api/v1/sections/first/gradebook", teacher), "id");
    }

    private static String path(long section) {
        return "/api/v1/sections/" + section + "/gradebook";
    }
}
