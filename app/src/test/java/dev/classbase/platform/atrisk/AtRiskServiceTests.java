package dev.classbase.platform.atrisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.data.DataTier;
import dev.classbase.data.watch.QueryWatch;
import dev.classbase.platform.fixtures.Budgets;
import dev.classbase.platform.fixtures.Replicas;
import dev.classbase.testsupport.StatementBudget;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Caller;
import dev.classbase.web.auth.Role;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
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
        // one call: the course with its roster size and every student with the reasons
        assertThat(five.statements()).isEqualTo(Budgets.READ + 1);
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
    void anInactiveStudentsLastActivityComesFromTheMonthsBeforeTheWindow() {
        // students 3 and 7 handed in their one submission 30 days ago and did nothing since; give
        // them older activity that beats it: the report reads the 14-day window itself and the
        // months before it through classbase_last_activity_before (V66)
        Cohort cohort = Cohort.create(8, 4);
        long three = cohort.studentIds().get(3);
        long seven = cohort.studentIds().get(7);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        OffsetDateTime threesLog = now.minusDays(20);
        OffsetDateTime sevensSession = now.minusDays(18);
        JdbcClient owner = JdbcClient.create(TestCluster.shared().primaryDataSource());
        owner.sql("""
                        insert into activity_logs (tenant_id, user_id, action, target, created_at)
                        values (:t, :three, 'view', 'course', :threesLog), (:t, :three, 'view', 'course', :older),
                               (:t, :seven, 'view', 'course', :older)
                        """)
                .param("t", cohort.tenantId())
                .param("three", three)
                .param("seven", seven)
                .param("threesLog", threesLog)
                .param("older", now.minusDays(45))
                .update();
        owner.sql("""
                        insert into learning_sessions (tenant_id, user_id, course_id, start_time, end_time)
                        values (:t, :three, :c, :older, :older), (:t, :seven, :c, :sevensSession, :sevensSession)
                        """)
                .param("t", cohort.tenantId())
                .param("c", cohort.courseId())
                .param("three", three)
                .param("seven", seven)
                .param("older", now.minusDays(25))
                .param("sevensSession", sevensSession)
                .update();
        Replicas.await(
                "select count(*) = 3 from activity_logs where tenant_id = :t and created_at < now() - interval '15 days'",
                Map.of("t", cohort.tenantId()));
        Replicas.await(
                "select count(*) = 8 from learning_sessions where tenant_id = :t", Map.of("t", cohort.tenantId()));

        AtRiskReport twoWeeks = report(cohort.teacher(), cohort.courseId(), null, null, 14);
        assertThat(twoWeeks.students()).extracting(AtRiskReport.Student::id).containsExactly(three, seven);
        assertThat(twoWeeks.students()).allSatisfy(s -> assertThat(s.reasons()).contains("low_activity"));
        assertThat(twoWeeks.students().get(0).lastActivityAt()).isEqualTo(threesLog.toInstant());
        assertThat(twoWeeks.students().get(1).lastActivityAt()).isEqualTo(sevensSession.toInstant());

        // a window that holds it all: the same latest activity, read from the window this time
        AtRiskReport twoMonths = report(cohort.teacher(), cohort.courseId(), null, null, 60);
        assertThat(twoMonths.students())
                .extracting(AtRiskReport.Student::lastActivityAt)
                .containsExactly(threesLog.toInstant(), sevensSession.toInstant());
        assertThat(twoMonths.students()).allSatisfy(s -> assertThat(s.reasons()).doesNotContain("low_activity"));
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
    void theReportsFunctionRunsUnderTheCallersRowLevelSecurity() throws Exception {
        // classbase_at_risk is SECURITY INVOKER: as the service role, with another tenant bound,
        // a course asked for by its own tenant's id has no row at all
        Cohort mine = Cohort.create(2, 2);
        Cohort theirs = Cohort.create(2, 2);
        var cluster = TestCluster.shared().cluster();
        DataSource service = TestCluster.dataSource(cluster.service(cluster.primary()));
        assertThat(reportRows(service, theirs.tenantId(), theirs)).isPositive(); // the course's row at least
        assertThat(reportRows(service, mine.tenantId(), theirs)).isZero();
    }

    private static long reportRows(DataSource service, long boundTenant, Cohort cohort) throws SQLException {
        try (Connection c = service.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement bind = c.prepareStatement("select set_config('app.tenant_id', ?, true)");
                    PreparedStatement call = c.prepareStatement("""
                            select count(*) from classbase_at_risk(?, ?, null, now(), now() - interval '14 days', 60, 14)
                            """)) {
                bind.setString(1, Long.toString(boundTenant));
                bind.execute();
                call.setLong(1, cohort.tenantId());
                call.setLong(2, cohort.courseId());
                try (ResultSet rs = call.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            } finally {
                c.rollback();
            }
        }
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
