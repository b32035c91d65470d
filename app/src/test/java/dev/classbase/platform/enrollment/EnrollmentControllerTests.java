package dev.classbase.platform.enrollment;

import static dev.classbase.platform.fixtures.ApiCalls.badRequest;
import static dev.classbase.platform.fixtures.ApiCalls.problem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.platform.fixtures.ApiCalls;
import dev.classbase.platform.fixtures.Budgets;
import dev.classbase.platform.fixtures.Classroom;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Enroll, drop and list over HTTP: whole-request statement counts that do not grow with the user's
 * enrollments (1 against 21), and the error contract (bad bodies 400 naming the field, other
 * tenants' ids 404), with nothing written by a refused request.
 */
class EnrollmentControllerTests {
    private final TestApp app = TestApp.shared();
    private final ApiCalls api = new ApiCalls(app);
    private final JdbcClient owner = JdbcClient.create(TestCluster.shared().primaryDataSource());

    @Test
    void listingCostsTheSameForOneEnrollmentAndTwentyOne() {
        Classroom small = Classroom.create(1, 0);
        Classroom large = Classroom.create(1, 0);
        large.addCourses(20, "science");
        var one = api.get(
                "/api/v1/users/" + small.studentIds().getFirst() + "/enrollments",
                app.signIn(small.student(0).email()));
        var many = api.get(
                "/api/v1/users/" + large.studentIds().getFirst() + "/enrollments?status=active",
                app.signIn(large.student(0).email()));
        assertThat(TestApp.json(one.response())).hasSize(1);
        assertThat(TestApp.json(many.response())).hasSize(21);
        assertThat(one.statements()).isEqualTo(Budgets.SIGNED_IN + Budgets.READ + 1);
        assertThat(many.statements()).isEqualTo(one.statements());
        assertThat(one.nPlusOnes() + many.nPlusOnes()).isZero();
    }

    @Test
    void enrollAndDropCostTheSameInACourseOfOneStudentAndOfFifty() {
        for (int students : new int[] {1, 50}) {
            Classroom school = Classroom.create(students, 0);
            long course = school.addCourses(1, "science").getFirst();
            String admin = app.signIn(school.admin().email());
            long student = school.studentIds().getFirst();
            // the new course's enrollments already exist: drop one, then enroll again (re-activation)
            long enrollment = owner.sql(
                            "select id from enrollments where tenant_id = :t and course_id = :c " + "and user_id = :u")
                    .param("t", school.tenantId())
                    .param("c", course)
                    .param("u", student)
                    .query(Long.class)
                    .single();
            var drop = api.send("DELETE", "/api/v1/enrollments/" + enrollment, admin, null, Map.of());
            assertThat(drop.status()).as(drop.response().body()).isEqualTo(200);
            assertThat(drop.json().path("status").asString()).isEqualTo("dropped");
            assertThat(drop.statements()).as("drop, " + students).isEqualTo(Budgets.SIGNED_IN + Budgets.WRITE + 1);

            var enroll = api.post(
                    "/api/v1/enrollments", admin, "{\"courseId\": " + course + ", \"userId\": " + student + "}");
            assertThat(enroll.status()).as(enroll.response().body()).isEqualTo(201);
            assertThat(enroll.statements()).as("enroll, " + students).isEqualTo(Budgets.SIGNED_IN + Budgets.WRITE + 1);
            var again = api.post(
                    "/api/v1/enrollments", admin, "{\"courseId\": " + course + ", \"userId\": " + student + "}");
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.statements()).isEqualTo(Budgets.SIGNED_IN + Budgets.WRITE + 2);
            assertThat(drop.nPlusOnes() + enroll.nPlusOnes() + again.nPlusOnes())
                    .isZero();
        }
    }

    @Test
    void badBodiesAndForeignIdsAreRefusedAndWriteNothing() {
        Classroom school = Classroom.create(1, 0);
        Classroom other = Classroom.create(1, 0);
        long course = school.addCourses(1, "science").getFirst();
        owner.sql("delete from enrollments where tenant_id = :t and course_id = :c")
                .param("t", school.tenantId())
                .param("c", course)
                .update();
        String student = app.signIn(school.student(0).email());

        problem(api.post("/api/v1/enrollments", student, "{\"courseId\": "), 400);
        badRequest(api.post("/api/v1/enrollments", student, "{}"), "courseId");
        badRequest(api.post("/api/v1/enrollments", student, "{\"courseId\": \"abc\"}"), "courseId");
        badRequest(
                api.post("/api/v1/enrollments", student, "{\"courseId\": " + course + ", \"sectionId\": -1}"),
                "sectionId");
        for (String body : List.of(
                "{\"courseId\": " + other.courseId() + "}",
                "{\"courseId\": " + course + ", \"sectionId\": " + other.sectionId() + "}",
                "{\"courseId\": " + Long.MAX_VALUE + "}")) {
            problem(api.post("/api/v1/enrollments", student, body), 404);
        }
        long foreign = owner.sql("select min(id) from enrollments where tenant_id = :t")
                .param("t", other.tenantId())
                .query(Long.class)
                .single();
        problem(api.send("DELETE", "/api/v1/enrollments/" + foreign, student, null, Map.of()), 404);
        problem(api.post("/api/v1/enrollments/" + foreign + "/drop", student, null), 404);
        badRequest(api.send("DELETE", "/api/v1/enrollments/x", student, null, Map.of()), "id");
        String admin = app.signIn(school.admin().email());
        problem(api.get("/api/v1/users/" + other.studentIds().getFirst() + "/enrollments", admin), 404);
        badRequest(
                api.get("/api/v1/users/" + school.studentIds().getFirst() + "/enrollments?status=lost", admin),
                "status");

        assertThat(owner.sql("select count(*) from enrollments where tenant_id = :t and course_id = :c")
                        .param("t", school.tenantId())
                        .param("c", course)
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(owner.sql("select status from enrollments where tenant_id = :t and id = :id")
                        .param("t", other.tenantId())
                        .param("id", foreign)
                        .query(String.class)
                        .single())
                .isEqualTo("active");
    }
}
