package dev.classbase.platform.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.data.DataTier;
import dev.classbase.data.watch.QueryWatch;
import dev.classbase.platform.fixtures.Budgets;
import dev.classbase.platform.fixtures.Classroom;
import dev.classbase.testsupport.StatementBudget;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Caller;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Enroll, re-enroll, drop and list, with their statement counts and the 404/403 rules. */
class EnrollmentServiceTests {
    private final TestApp app = TestApp.shared();
    private final EnrollmentService service = app.bean(EnrollmentService.class);
    private final QueryWatch watch = app.bean(QueryWatch.class);
    private final JdbcClient owner = JdbcClient.create(TestCluster.shared().primaryDataSource());

    @Test
    void enrollDropAndEnrollAgainKeepOneRowPerStudentAndCourse() throws Exception {
        Classroom school = Classroom.create(1, 1);
        long course = newCourse(school);
        Caller student = school.student(0);
        EnrollRequest request = new EnrollRequest(course, null, null);

        var first = StatementBudget.measure(watch, () -> {
            var o = as(student, () -> service.enroll(student, request));
            assertThat(o.created()).isTrue();
            assertThat(o.enrollment().status()).isEqualTo("active");
        });
        assertThat(first.statements()).as(first.describe()).isEqualTo(Budgets.WRITE + 1); // the insert
        var again = StatementBudget.measure(
                watch,
                () -> assertThat(as(student, () -> service.enroll(student, request))
                                .created())
                        .isFalse());
        assertThat(again.statements()).as(again.describe()).isEqualTo(Budgets.WRITE + 2); // + the existing enrollment

        long id =
                as(student, () -> service.enroll(student, request)).enrollment().id();
        var drop = StatementBudget.measure(
                watch,
                () -> assertThat(as(student, () -> service.drop(student, id)).status())
                        .isEqualTo("dropped"));
        assertThat(drop.statements()).as(drop.describe()).isEqualTo(Budgets.WRITE + 1);
        var back = as(student, () -> service.enroll(student, request));
        assertThat(back.created()).isTrue();
        assertThat(back.enrollment().id()).isEqualTo(id);
        assertThat(back.enrollment().status()).isEqualTo("active");
        assertThat(owner.sql("select count(*) from enrollments where tenant_id = :t and course_id = :c")
                        .param("t", school.tenantId())
                        .param("c", course)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void unknownAndForeignCoursesSectionsAndUsersAreNotFound() {
        Classroom school = Classroom.create(1, 1);
        Classroom other = Classroom.create(1, 1);
        Caller student = school.student(0);
        for (EnrollRequest r : new EnrollRequest[] {
            new EnrollRequest(other.courseId(), null, null),
            new EnrollRequest(Long.MAX_VALUE, null, null),
            new EnrollRequest(newCourse(school), other.sectionId(), null)
        }) {
            assertThatThrownBy(() -> as(student, () -> service.enroll(student, r)))
                    .as(r.toString())
                    .isInstanceOfSatisfying(
                            ApiException.class,
                            e -> assertThat(e.status().value()).isEqualTo(404));
        }
        assertThatThrownBy(() -> as(
                        school.admin(),
                        () -> service.enroll(
                                school.admin(),
                                new EnrollRequest(
                                        newCourse(school),
                                        null,
                                        other.studentIds().getFirst()))))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(404));
        assertThatThrownBy(() -> as(
                        student,
                        () -> service.enroll(student, new EnrollRequest(school.courseId(), null, school.teacherId()))))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(403));
        long foreignEnrollment = owner.sql("select min(id) from enrollments where tenant_id = :t")
                .param("t", other.tenantId())
                .query(Long.class)
                .single();
        assertThatThrownBy(() -> as(student, () -> service.drop(student, foreignEnrollment)))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(404));
        assertThatThrownBy(() -> as(
                        school.admin(),
                        () -> service.ofUser(school.admin(), other.studentIds().getFirst(), null)))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(404));
    }

    @Test
    void studentsListTheirOwnAdminsAnyoneInOneStatement() throws Exception {
        Classroom school = Classroom.create(2, 1);
        Caller student = school.student(0);
        var m = StatementBudget.measure(
                watch,
                () -> assertThat(as(student, () -> service.ofUser(student, student.userId(), "active")))
                        .singleElement()
                        .satisfies(e -> assertThat(e.courseTitle()).isEqualTo("Budget Algebra")));
        assertThat(m.statements()).as(m.describe()).isEqualTo(Budgets.READ + 1);
        assertThat(as(student, () -> service.ofUser(student, student.userId(), "dropped")))
                .isEmpty();
        assertThat(as(
                        school.admin(),
                        () -> service.ofUser(school.admin(), school.studentIds().get(1), null)))
                .hasSize(1);
        assertThatThrownBy(() -> service.ofUser(student, school.studentIds().get(1), null))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(403));
        assertThatThrownBy(() -> service.ofUser(student, student.userId(), "nonsense"))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.properties()).containsEntry("field", "status"));
    }

    private long newCourse(Classroom school) {
        long course = owner.sql("""
                        insert into courses (tenant_id, title, category, status, instructor_id)
                        values (:t, 'Second Course', 'science', 'published', :i) returning id
                        """)
                .param("t", school.tenantId())
                .param("i", school.teacherId())
                .query(Long.class)
                .single();
        owner.sql("insert into sections (tenant_id, course_id, name, term) values (:t, :c, 'A', 'T')")
                .param("t", school.tenantId())
                .param("c", course)
                .update();
        return course;
    }

    static <T> T as(Caller caller, Supplier<T> call) {
        try (var t = DataTier.bindTenant(caller.tenantId())) {
            return call.get();
        }
    }
}
