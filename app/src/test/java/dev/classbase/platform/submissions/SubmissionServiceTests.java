package dev.classbase.platform.submissions;

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
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Idempotent submission (retries and racing duplicates make one row) and grading. */
class SubmissionServiceTests {
    private final TestApp app = TestApp.shared();
    private final SubmissionService service = app.bean(SubmissionService.class);
    private final QueryWatch watch = app.bean(QueryWatch.class);
    private final JdbcClient owner = JdbcClient.create(TestCluster.shared().primaryDataSource());

    @Test
    void aRetryWithTheSameKeyReturnsTheFirstSubmissionAndWritesNothing() throws Exception {
        Classroom school = Classroom.create(1, 4);
        Caller student = school.student(0);
        long assignment = school.assignmentIds().get(1);
        SubmitRequest body = new SubmitRequest("my essay");

        SubmissionService.Outcome[] outcomes = new SubmissionService.Outcome[2];
        var first = StatementBudget.measure(
                watch, () -> outcomes[0] = as(student, () -> service.submit(student, assignment, "key-1", body)));
        var retry = StatementBudget.measure(
                watch, () -> outcomes[1] = as(student, () -> service.submit(student, assignment, "key-1", body)));

        assertThat(outcomes[0].created()).isTrue();
        assertThat(outcomes[1].created()).isFalse();
        assertThat(outcomes[1].submission()).isEqualTo(outcomes[0].submission());
        assertThat(first.statements()).as(first.describe()).isEqualTo(Budgets.WRITE + 1); // the insert
        assertThat(retry.statements()).as(retry.describe()).isEqualTo(Budgets.WRITE + 2); // + read back by key
        assertThat(rows(school, assignment)).isEqualTo(1);
    }

    @Test
    void concurrentDuplicatesMakeOneRowAndAllAnswerWithIt() throws Exception {
        Classroom school = Classroom.create(1, 4);
        Caller student = school.student(0);
        long assignment = school.assignmentIds().get(2);
        int n = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<SubmissionService.Outcome>> results = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                Callable<SubmissionService.Outcome> call = () -> {
                    start.await();
                    return as(student, () -> service.submit(student, assignment, "race", new SubmitRequest("same")));
                };
                results.add(pool.submit(call));
            }
            start.countDown();
            List<SubmissionService.Outcome> outcomes = new ArrayList<>();
            for (var f : results) {
                outcomes.add(f.get());
            }
            assertThat(outcomes.stream().filter(SubmissionService.Outcome::created))
                    .hasSize(1);
            assertThat(outcomes.stream().map(o -> o.submission().id()).distinct())
                    .hasSize(1);
        }
        assertThat(rows(school, assignment)).isEqualTo(1);
    }

    @Test
    void aKeyNamesOneRequestAndWorkIsHandedInOnce() {
        Classroom school = Classroom.create(2, 4);
        long assignment = school.assignmentIds().get(1);
        var mine =
                as(school.student(0), () -> service.submit(school.student(0), assignment, "k", new SubmitRequest("a")));
        // the same key from another student is another request: their own row, nothing of the first
        var theirs =
                as(school.student(1), () -> service.submit(school.student(1), assignment, "k", new SubmitRequest("b")));
        assertThat(theirs.created()).isTrue();
        assertThat(theirs.submission().id()).isNotEqualTo(mine.submission().id());
        assertThat(theirs.submission().body()).isEqualTo("b");
        // the same key from the same student for another body: 422, the key names the first request
        assertThatThrownBy(() -> as(
                        school.student(0),
                        () -> service.submit(school.student(0), assignment, "k", new SubmitRequest("a, edited"))))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status().value()).isEqualTo(422);
                    assertThat(e.properties()).containsEntry("field", "Idempotency-Key");
                });
        // a new key for work already submitted: conflict
        assertThatThrownBy(() -> as(
                        school.student(0),
                        () -> service.submit(school.student(0), assignment, "k2", new SubmitRequest("c"))))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(409));
        assertThatThrownBy(() -> as(
                        school.student(0),
                        () -> service.submit(school.student(0), assignment, null, new SubmitRequest("c"))))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.properties()).containsEntry("field", "Idempotency-Key"));
        Classroom other = Classroom.create(1, 1);
        assertThatThrownBy(() -> as(
                        school.student(0),
                        () -> service.submit(
                                school.student(0), other.assignmentIds().getFirst(), "k3", new SubmitRequest("c"))))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(404));
        assertThat(rows(school, assignment)).isEqualTo(2); // one per student
    }

    @Test
    void theCoursesTeacherGradesWithinThePointsOthersFindNothing() throws Exception {
        Classroom school = Classroom.create(1, 4);
        Classroom other = Classroom.create(1, 1);
        long assignment = school.assignmentIds().get(1);
        long id = as(
                        school.student(0),
                        () -> service.submit(school.student(0), assignment, "g", new SubmitRequest("x")))
                .submission()
                .id();
        var m = StatementBudget.measure(watch, () -> {
            Submission graded = as(
                    school.teacher(),
                    () -> service.grade(school.teacher(), id, new GradeRequest(new BigDecimal("91.5"))));
            assertThat(graded.status()).isEqualTo("graded");
            assertThat(graded.score()).isEqualByComparingTo("91.5");
        });
        assertThat(m.statements()).as(m.describe()).isEqualTo(Budgets.WRITE + 2);
        assertThatThrownBy(() -> as(
                        school.teacher(),
                        () -> service.grade(school.teacher(), id, new GradeRequest(new BigDecimal("100.01")))))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.properties()).containsEntry("field", "score"));
        for (Caller stranger : new Caller[] {other.teacher(), school.student(0)}) {
            assertThatThrownBy(() -> as(stranger, () -> service.grade(stranger, id, new GradeRequest(BigDecimal.ONE))))
                    .isInstanceOfSatisfying(
                            ApiException.class,
                            e -> assertThat(e.status().value()).isEqualTo(404));
        }
        assertThat(as(school.admin(), () -> service.grade(school.admin(), id, new GradeRequest(BigDecimal.TEN)))
                        .score())
                .isEqualByComparingTo("10");
    }

    private long rows(Classroom school, long assignment) {
        return owner.sql("select count(*) from submissions where tenant_id = :t and assignment_id = :a")
                .param("t", school.tenantId())
                .param("a", assignment)
                .query(Long.class)
                .single();
    }

    static <T> T as(Caller caller, Supplier<T> call) {
        try (var t = DataTier.bindTenant(caller.tenantId())) {
            return call.get();
        }
    }
}
