package dev.classbase.platform.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.data.DataTier;
import dev.classbase.data.watch.QueryWatch;
import dev.classbase.platform.atrisk.Cohort;
import dev.classbase.platform.fixtures.Budgets;
import dev.classbase.platform.fixtures.Replicas;
import dev.classbase.testsupport.StatementBudget;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Caller;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A user's progress across courses of 6 and 60 lessons: same statements, every lesson in order. */
class ProgressServiceTests {
    /** The course, the user and every lesson with the user's progress, in one statement. */
    static final int PROGRESS = Budgets.READ + 1;

    private final TestApp app = TestApp.shared();
    private final ProgressService service = app.bean(ProgressService.class);
    private final QueryWatch watch = app.bean(QueryWatch.class);

    @Test
    void everyLessonInOrderWithTheUsersProgressInTheSameStatementsForSixAndSixtyLessons() throws Exception {
        Cohort small = Cohort.create(3, 2);
        Cohort large = Cohort.create(3, 2);
        addLessons(large, 54);

        CourseProgress[] found = new CourseProgress[2];
        var six = StatementBudget.measure(watch, () -> found[0] = progress(small.student(0), small.courseId(), null));
        var sixty = StatementBudget.measure(
                watch,
                () -> found[1] = progress(
                        large.teacher(), large.courseId(), large.studentIds().get(1)));

        assertThat(six.statements()).as(six.describe()).isEqualTo(PROGRESS);
        assertThat(sixty.statements()).as(sixty.describe()).isEqualTo(PROGRESS);
        assertThat(six.nPlusOnes()).isEmpty();
        assertThat(sixty.nPlusOnes()).isEmpty();

        // lesson 1 completed, lesson 2 half done, the rest never started
        CourseProgress mine = found[0];
        assertThat(mine.userId()).isEqualTo(small.studentIds().get(0));
        assertThat(mine.lessons()).isEqualTo(6);
        assertThat(mine.completed()).isEqualTo(1);
        assertThat(mine.percent()).isEqualTo(25); // (100 + 50) / 6
        assertThat(mine.items()).extracting(CourseProgress.Lesson::position).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(mine.items())
                .extracting(CourseProgress.Lesson::status)
                .containsExactly(
                        "completed", "in_progress", "not_started", "not_started", "not_started", "not_started");
        assertThat(mine.items().get(0).completedAt()).isNotNull();
        assertThat(mine.items().get(1).percent()).isEqualTo(50);
        assertThat(mine.items().get(2).updatedAt()).isNull();

        CourseProgress theirs = found[1];
        assertThat(theirs.lessons()).isEqualTo(60);
        assertThat(theirs.completed()).isEqualTo(2); // lesson 1 and the added lesson 60
        assertThat(theirs.percent()).isEqualTo(4); // (100 + 50 + 100) / 60
        assertThat(theirs.items().getLast().status()).isEqualTo("completed");
    }

    @Test
    void studentsSeeTheirOwnTeachersTheirCoursesAndOtherTenantsIdsAreNotFound() {
        Cohort mine = Cohort.create(2, 2);
        Cohort theirs = Cohort.create(2, 2);
        long student = mine.studentIds().get(0);

        assertThat(progress(mine.admin(), mine.courseId(), student).completed()).isEqualTo(1);
        assertThat(progress(mine.teacher(), mine.courseId(), student).completed())
                .isEqualTo(1);
        assertStatus(() -> progress(mine.student(1), mine.courseId(), student), 403);
        assertStatus(() -> progress(mine.otherTeacher(), mine.courseId(), student), 403);
        assertStatus(() -> progress(mine.student(0), theirs.courseId(), null), 404);
        assertStatus(() -> progress(mine.admin(), theirs.courseId(), student), 404);
        assertStatus(
                () -> progress(
                        mine.admin(), mine.courseId(), theirs.studentIds().get(0)),
                404);
        assertStatus(() -> progress(mine.admin(), Long.MAX_VALUE, student), 404);
    }

    /** Lessons 7 to 6 + n for the course; student 1 has completed the last one. */
    private static void addLessons(Cohort cohort, int n) {
        JdbcClient db = JdbcClient.create(TestCluster.shared().primaryDataSource());
        db.sql("""
                        insert into lessons (tenant_id, course_id, title, position)
                        select :t, :c, 'Lesson ' || p, p from generate_series(7, 6 + :n) as p
                        """)
                .param("t", cohort.tenantId())
                .param("c", cohort.courseId())
                .param("n", n)
                .update();
        db.sql("""
                        insert into progress (tenant_id, user_id, lesson_id, status, percent, completed_at)
                        select :t, :u, l.id, 'completed', 100, now()
                        from lessons as l where l.tenant_id = :t and l.course_id = :c and l.position = 6 + :n
                        """)
                .param("t", cohort.tenantId())
                .param("c", cohort.courseId())
                .param("u", cohort.studentIds().get(1))
                .param("n", n)
                .update();
        Replicas.await(
                "select count(*) = :n from progress where tenant_id = :t",
                Map.of("t", cohort.tenantId(), "n", cohort.studentIds().size() * 2 + 1));
    }

    private CourseProgress progress(Caller caller, long course, Long user) {
        try (var t = DataTier.bindTenant(caller.tenantId())) {
            return service.progress(caller, course, user);
        }
    }

    private static void assertStatus(ThrowingCallable call, int status) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(status));
    }
}
