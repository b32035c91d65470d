package dev.classbase.platform.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.data.DataTier;
import dev.classbase.data.watch.QueryWatch;
import dev.classbase.platform.fixtures.Budgets;
import dev.classbase.testsupport.StatementBudget;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Caller;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Exercise selection, idempotent completion and streaks on catalogs of 12 and 60 exercises. */
class ExerciseServiceTests {
    /** Selection and streak: one statement each; completion: the lock, then the completion. */
    static final int NEXT = Budgets.READ + 1;

    static final int STREAK = Budgets.READ + 1;
    static final int COMPLETE = Budgets.WRITE + 2;

    private final TestApp app = TestApp.shared();
    private final ExerciseService service = app.bean(ExerciseService.class);
    private final QueryWatch watch = app.bean(QueryWatch.class);
    private final JdbcClient owner = JdbcClient.create(TestCluster.shared().primaryDataSource());

    @Test
    void nextExercisesMatchDifficultyAndLanguageLeaveOutCompletedOnesInTheSameStatementsForAnyCatalog()
            throws Exception {
        ExerciseFixture small = ExerciseFixture.create(8);
        ExerciseFixture large = ExerciseFixture.create(60);

        List<List<Exercise>> found = new ArrayList<>();
        var few = StatementBudget.measure(
                watch, () -> found.add(next(small.classroom().student(0), "easy", "python", null)));
        var many = StatementBudget.measure(
                watch, () -> found.add(next(large.classroom().student(0), "easy", "python", 50)));

        assertThat(few.statements()).as(few.describe()).isEqualTo(NEXT);
        assertThat(many.statements()).as(many.describe()).isEqualTo(NEXT);
        assertThat(few.nPlusOnes()).isEmpty();
        assertThat(many.nPlusOnes()).isEmpty();
        // completed today (0) and yesterday (1) are left out; the one in progress (2) is not
        assertThat(found.get(0))
                .extracting(Exercise::id)
                .containsExactlyElementsOf(small.easyPython().subList(2, 8));
        assertThat(found.get(1))
                .extracting(Exercise::id)
                .containsExactlyElementsOf(large.easyPython().subList(2, 52));
        assertThat(found.get(0)).allSatisfy(e -> {
            assertThat(e.difficulty()).isEqualTo("easy");
            assertThat(e.language()).isEqualTo("python");
        });

        Caller student = small.classroom().student(0);
        assertThat(next(student, " Medium ", "PYTHON", 2))
                .extracting(Exercise::id)
                .containsExactlyElementsOf(small.mediumPython().subList(1, 3));
        assertThat(next(student, "easy", "java", null))
                .extracting(Exercise::id)
                .containsExactlyElementsOf(small.easyJava().subList(1, 4));
        assertThat(next(student, "hard", "python", null)).isEmpty();
        assertThat(next(small.classroom().student(3), "easy", "python", 3))
                .extracting(Exercise::id)
                .containsExactlyElementsOf(small.easyPython().subList(0, 3));
    }

    @Test
    void completingIsIdempotentAndFinishesTheAttemptInProgress() throws Exception {
        ExerciseFixture fixture = ExerciseFixture.create(8);
        Caller fresh = fixture.classroom().student(3);
        long exercise = fixture.easyPython().get(5);

        Completion[] done = new Completion[2];
        var first = StatementBudget.measure(watch, () -> done[0] = complete(fresh, exercise, new BigDecimal("92.50")));
        var again = StatementBudget.measure(watch, () -> done[1] = complete(fresh, exercise, BigDecimal.TEN));

        assertThat(first.statements()).as(first.describe()).isEqualTo(COMPLETE);
        assertThat(again.statements()).as(again.describe()).isEqualTo(COMPLETE);
        assertThat(first.nPlusOnes()).isEmpty();
        assertThat(done[0].created()).isTrue();
        assertThat(done[0].score()).isEqualByComparingTo("92.50");
        assertThat(done[1].created()).isFalse();
        assertThat(done[1].userExerciseId()).isEqualTo(done[0].userExerciseId());
        assertThat(done[1].completedAt()).isEqualTo(done[0].completedAt());
        assertThat(done[1].score()).isEqualByComparingTo("92.50");
        assertThat(rows(fresh, exercise)).isEqualTo(1);

        // student 0 has easy python 2 in progress: completing it finishes that row, no new one
        Caller busy = fixture.classroom().student(0);
        long inProgress = fixture.easyPython().get(2);
        long attempt = owner.sql(
                        "select id from user_exercises where tenant_id = :t and user_id = :u and exercise_id = :e")
                .param("t", busy.tenantId())
                .param("u", busy.userId())
                .param("e", inProgress)
                .query(Long.class)
                .single();
        Completion finished = complete(busy, inProgress, null);
        assertThat(finished.created()).isTrue();
        assertThat(finished.userExerciseId()).isEqualTo(attempt);
        assertThat(finished.score()).isNull();
        assertThat(rows(busy, inProgress)).isEqualTo(1);
        // an exercise completed before the call is returned as it was
        Completion earlier = complete(busy, fixture.easyPython().getFirst(), BigDecimal.ONE);
        assertThat(earlier.created()).isFalse();
        assertThat(earlier.score()).isEqualByComparingTo("80");
    }

    @Test
    void concurrentCompletionsOfOneExerciseWriteOneRow() throws Exception {
        ExerciseFixture fixture = ExerciseFixture.create(8);
        Caller student = fixture.classroom().student(3);
        long exercise = fixture.easyJava().getLast();
        List<Callable<Completion>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(() -> complete(student, exercise, BigDecimal.valueOf(50)));
        }
        List<Completion> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (Future<Completion> f : pool.invokeAll(calls)) {
                results.add(f.get());
            }
        }
        assertThat(results).filteredOn(Completion::created).hasSize(1);
        assertThat(results)
                .extracting(Completion::userExerciseId)
                .containsOnly(results.getFirst().userExerciseId());
        assertThat(rows(student, exercise)).isEqualTo(1);
    }

    @Test
    void theStreakCountsConsecutiveDaysEndingTodayOrYesterday() throws Exception {
        ExerciseFixture fixture = ExerciseFixture.create(8);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        var c = fixture.classroom();

        Streak[] streaks = new Streak[4];
        var running = StatementBudget.measure(
                watch, () -> streaks[0] = streak(c.student(0), c.studentIds().get(0)));
        var none = StatementBudget.measure(
                watch, () -> streaks[3] = streak(c.student(3), c.studentIds().get(3)));
        streaks[1] = streak(c.student(1), c.studentIds().get(1));
        streaks[2] = streak(c.student(2), c.studentIds().get(2));

        assertThat(running.statements()).as(running.describe()).isEqualTo(STREAK);
        assertThat(none.statements()).isEqualTo(STREAK);
        assertThat(running.nPlusOnes()).isEmpty();
        // today, yesterday and the day before; two completions today count as one day
        assertThat(streaks[0]).isEqualTo(new Streak(c.studentIds().get(0), 3, today.minusDays(2), today, 3));
        // last completion two days ago: the gap yesterday ended the run; the longest was 10-12 days ago
        assertThat(streaks[1]).isEqualTo(new Streak(c.studentIds().get(1), 0, null, null, 3));
        // nothing yet today: yesterday's run is still current
        assertThat(streaks[2])
                .isEqualTo(new Streak(c.studentIds().get(2), 1, today.minusDays(1), today.minusDays(1), 1));
        // never completed anything
        assertThat(streaks[3]).isEqualTo(new Streak(c.studentIds().get(3), 0, null, null, 0));
    }

    @Test
    void streaksAreForTheUserTheirTeachersAndAdminsAndOtherTenantsUsersAreNotFound() {
        ExerciseFixture mine = ExerciseFixture.create(4);
        ExerciseFixture theirs = ExerciseFixture.create(4);
        var c = mine.classroom();
        long other = c.studentIds().get(1);

        assertThat(streak(c.teacher(), other).longest()).isEqualTo(3);
        assertThat(streak(c.admin(), other).longest()).isEqualTo(3);
        assertStatus(() -> streak(c.student(0), other), 403);
        assertStatus(() -> streak(c.admin(), theirs.classroom().studentIds().get(1)), 404);
        assertStatus(() -> streak(c.student(0), Long.MAX_VALUE), 404);
        assertStatus(() -> complete(c.student(0), theirs.easyPython().get(3), null), 404);
        assertThat(rows(theirs.classroom().student(0), theirs.easyPython().get(3)))
                .isZero();
    }

    @Test
    void badSelectionAndCompletionInputIsRefusedNamingTheField() {
        ExerciseFixture fixture = ExerciseFixture.create(4);
        Caller student = fixture.classroom().student(0);
        assertBadRequest(() -> next(student, "extreme", "python", null), "difficulty");
        assertBadRequest(() -> next(student, null, "python", null), "difficulty");
        assertBadRequest(() -> next(student, "easy", " ", null), "language");
        assertBadRequest(() -> next(student, "easy", "x".repeat(41), null), "language");
        assertBadRequest(() -> next(student, "easy", "python", 0), "limit");
        assertBadRequest(() -> next(student, "easy", "python", 51), "limit");
        long exercise = fixture.easyPython().get(3);
        assertBadRequest(() -> complete(student, exercise, new BigDecimal("100.01")), "score");
        assertBadRequest(() -> complete(student, exercise, new BigDecimal("-1")), "score");
        assertBadRequest(() -> complete(student, exercise, new BigDecimal("1.005")), "score");
        assertThat(rows(student, exercise)).isZero();
    }

    private long rows(Caller caller, long exercise) {
        return owner.sql(
                        "select count(*) from user_exercises where tenant_id = :t and user_id = :u and exercise_id = :e")
                .param("t", caller.tenantId())
                .param("u", caller.userId())
                .param("e", exercise)
                .query(Long.class)
                .single();
    }

    private List<Exercise> next(Caller caller, String difficulty, String language, Integer limit) {
        try (var t = DataTier.bindTenant(caller.tenantId())) {
            return service.next(caller, difficulty, language, limit);
        }
    }

    private Completion complete(Caller caller, long exercise, BigDecimal score) {
        try (var t = DataTier.bindTenant(caller.tenantId())) {
            return service.complete(caller, exercise, score);
        }
    }

    private Streak streak(Caller caller, long user) {
        try (var t = DataTier.bindTenant(caller.tenantId())) {
            return service.streak(caller, user);
        }
    }

    private static void assertStatus(ThrowingCallable call, int status) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(status));
    }

    private static void assertBadRequest(ThrowingCallable call, String field) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status().value()).isEqualTo(400);
            assertThat(e.properties()).containsEntry("field", field);
        });
    }
}
