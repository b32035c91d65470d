package dev.classbase.platform.quizzes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.data.DataTier;
import dev.classbase.data.watch.QueryWatch;
import dev.classbase.platform.fixtures.Budgets;
import dev.classbase.platform.fixtures.Classroom;
import dev.classbase.testsupport.StatementBudget;
import dev.classbase.testsupport.TestApp;
import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Caller;
import java.math.BigDecimal;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Start and complete an attempt; only enrolled students, only their own attempt, only once. */
class QuizServiceTests {
    private final TestApp app = TestApp.shared();
    private final QuizService service = app.bean(QuizService.class);
    private final QueryWatch watch = app.bean(QueryWatch.class);

    @Test
    void startThenCompleteOnceInOneStatementEach() throws Exception {
        Classroom school = Classroom.create(2, 1);
        Caller student = school.student(0);
        QuizAttempt[] attempt = new QuizAttempt[1];
        var start = StatementBudget.measure(
                watch, () -> attempt[0] = as(student, () -> service.start(student, school.quizId())));
        assertThat(start.statements()).as(start.describe()).isEqualTo(Budgets.WRITE + 1);
        assertThat(attempt[0].completedAt()).isNull();
        var complete = StatementBudget.measure(watch, () -> {
            QuizAttempt done = as(
                    student,
                    () -> service.complete(student, attempt[0].id(), new CompleteRequest(new BigDecimal("87.5"))));
            assertThat(done.score()).isEqualByComparingTo("87.5");
            assertThat(done.completedAt()).isNotNull();
        });
        assertThat(complete.statements()).as(complete.describe()).isEqualTo(Budgets.WRITE + 1);
        assertThatThrownBy(() -> as(
                        student, () -> service.complete(student, attempt[0].id(), new CompleteRequest(BigDecimal.ONE))))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(409));
        Caller classmate = school.student(1);
        assertThatThrownBy(() -> as(
                        classmate,
                        () -> service.complete(classmate, attempt[0].id(), new CompleteRequest(BigDecimal.ONE))))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(404));
    }

    @Test
    void quizzesOfOtherTenantsOrCoursesNotTakenAreNotFound() {
        Classroom school = Classroom.create(1, 1);
        Classroom other = Classroom.create(1, 1);
        assertThatThrownBy(() -> as(school.student(0), () -> service.start(school.student(0), other.quizId())))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(404));
        assertThatThrownBy(() -> as(school.teacher(), () -> service.start(school.teacher(), school.quizId())))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(404));
    }

    static <T> T as(Caller caller, Supplier<T> call) {
        try (var t = DataTier.bindTenant(caller.tenantId())) {
            return call.get();
        }
    }
}
