package dev.classbase.platform.atrisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.data.DataTier;
import dev.classbase.data.watch.QueryWatch;
import dev.classbase.platform.auth.Caller;
import dev.classbase.platform.auth.Role;
import dev.classbase.platform.errors.ApiException;
import dev.classbase.platform.fixtures.Budgets;
import dev.classbase.testsupport.StatementBudget;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** At-risk detection on courses of 5 and 50 students: same statements, every reason right. */
class AtRiskServiceTests {
    private final TestApp app = TestApp.shared();
    private final AtRiskService service = app.bean(AtRiskService.class);
    private final QueryWatch watch = app.bean(QueryWatch.class);

    @Test
    void findsEveryAtRiskStudentWithTheReasonsInTheSameStatementsForFiveAndFiftyStudents() throws Exception {
        Cohort small = Cohort.create(5, 6);
        Cohort large = Cohort.create(50, 60);

        AtRiskReport[] reports = new AtRiskReport[2];
        var five = StatementBudget.measure(watch, () -> reports[0] = report(small.teacher(), small.courseId()));
        var fifty = StatementBudget.measure(watch, () -> reports[1] = report(large.teacher(), large.courseId()));

        System.out.println("at-risk 5 students:\n" + five.describe() + "\n50 students:\n" + fifty.describe());
        // the course with its roster size, then every student with the reasons
        assertThat(five.statements()).isEqualTo(Budgets.READ + 2);
        assertThat(fifty.statements()).isEqualTo(five.statements());
        assertThat(five.nPlusOnes()).isEmpty();
        assertThat(fifty.nPlusOnes()).isEmpty();

        AtRiskReport report = reports[1];
        assertThat(report.enrolled()).isEqualTo(50);
        List<Long> expected = large.studentIds().stream()
                .filter(id -> Cohort.atRisk(large.studentIds().indexOf(id)))
                .toList();
        assertThat(report.students()).extracting(AtRiskReport.Student::id).containsExactlyElementsOf(expected);
        AtRiskReport.Student first = report.students().getFirst();
        assertThat(first.reasons()).containsExactly("missing_work", "low_scores", "low_activity");
        assertThat(first.missingAssignments()).isEqualTo(large.pastDue() - 1);
        assertThat(first.averagePercent()).isEqualByComparingTo("40");
        assertThat(first.lastActivityAt()).isNotNull(); // the submission 30 days ago
        assertThat(reports[0].students()).hasSize(1);
    }

    @Test
    void thresholdsChangeTheReasons() {
        Cohort cohort = Cohort.create(4, 4);
        // a threshold of 30 makes the grade of 40 fine; 60 days of inactivity makes 30 days fine
        AtRiskReport report = report(cohort.admin(), cohort.courseId(), null, BigDecimal.valueOf(30), 60);
        assertThat(report.students()).singleElement().satisfies(s -> {
            assertThat(s.id()).isEqualTo(cohort.studentIds().get(3));
            assertThat(s.reasons()).containsExactly("missing_work");
        });
        // with 90 % as the bar, everyone's 85 is low
        assertThat(report(cohort.admin(), cohort.courseId(), null, BigDecimal.valueOf(90), 14)
                        .students())
                .hasSize(4)
                .allSatisfy(s -> assertThat(s.reasons()).contains("low_scores"));
    }

    @Test
    void theDemoDistrictsQuietStudentsAreFoundAsOfItsDay() {
        // demo data ends at TestApp.AS_OF; its at-risk students went quiet 21 days before. Looked up
        // as the owner: the application's own JdbcClient runs under row-level security and, with no
        // tenant bound outside a request, sees no rows at all.
        JdbcClient owner = JdbcClient.create(TestCluster.shared().primaryDataSource());
        var admin = owner.sql("""
                        select tenant_id, id from users where lower(email) = 'admin@northwood.demo'
                        """)
                .query((rs, n) -> new Caller(rs.getLong(1), rs.getLong(2), Role.ADMIN, "admin@northwood.demo"))
                .single();
        long course = owner.sql("select min(id) from courses where tenant_id = :t")
                .param("t", admin.tenantId())
                .query(Long.class)
                .single();
        AtRiskReport report = report(admin, course, TestApp.AS_OF, null, null);
        assertThat(report.enrolled()).isPositive();
        assertThat(report.students())
                .isNotEmpty()
                .allSatisfy(s -> assertThat(s.reasons()).isNotEmpty());
    }

    @Test
    void onlyTheCoursesTeacherAndAdminsSeeItAndOtherTenantsCoursesAreNotFound() {
        Cohort mine = Cohort.create(2, 2);
        Cohort theirs = Cohort.create(2, 2);
        assertStatus(() -> report(mine.student(0), mine.courseId()), 403);
        assertStatus(() -> report(mine.otherTeacher(), mine.courseId()), 403);
        assertStatus(() -> report(mine.teacher(), theirs.courseId()), 404);
        assertStatus(() -> report(mine.admin(), theirs.courseId()), 404);
        assertStatus(() -> report(mine.admin(), Long.MAX_VALUE), 404);
        assertThat(report(mine.admin(), mine.courseId()).enrolled()).isEqualTo(2);
    }

    @Test
    void thresholdsOutOfRangeAreRefusedNamingTheParameter() {
        Cohort cohort = Cohort.create(1, 2);
        assertThatThrownBy(() -> report(cohort.admin(), cohort.courseId(), null, BigDecimal.valueOf(101), null))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status().value()).isEqualTo(400);
                    assertThat(e.properties()).containsEntry("field", "scoreBelow");
                });
        assertThatThrownBy(() -> report(cohort.admin(), cohort.courseId(), null, null, 0))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status().value()).isEqualTo(400);
                    assertThat(e.properties()).containsEntry("field", "inactiveDays");
                });
    }

    private static void assertStatus(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, int status) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(status));
    }

    private AtRiskReport report(Caller caller, long course) {
        return report(caller, course, null, null, null);
    }

    private AtRiskReport report(Caller caller, long course, LocalDate asOf, BigDecimal scoreBelow, Integer days) {
        try (var t = DataTier.bindTenant(caller.tenantId())) {
            return service.report(caller, course, asOf, scoreBelow, days);
        }
    }
}
