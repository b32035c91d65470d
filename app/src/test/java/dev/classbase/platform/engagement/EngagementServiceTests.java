package dev.classbase.platform.engagement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.data.DataTier;
import dev.classbase.data.watch.QueryWatch;
import dev.classbase.platform.atrisk.Cohort;
import dev.classbase.platform.fixtures.Budgets;
import dev.classbase.testsupport.StatementBudget;
import dev.classbase.testsupport.TestApp;
import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Caller;
import java.time.Duration;
import java.time.Instant;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** One student's engagement in courses of 5 and 50 students: same statements, every count right. */
class EngagementServiceTests {
    /** The course, the student and every kind of work, in one statement. */
    static final int ENGAGEMENT = Budgets.READ + 1;

    private final TestApp app = TestApp.shared();
    private final EngagementService service = app.bean(EngagementService.class);
    private final QueryWatch watch = app.bean(QueryWatch.class);

    @Test
    void countsWorkAttemptsAndPostsInTheSameStatementsForSmallAndLargeCourses() throws Exception {
        Cohort small = Cohort.create(5, 6);
        Cohort large = Cohort.create(50, 60);

        Engagement[] found = new Engagement[2];
        var five = StatementBudget.measure(
                watch,
                () -> found[0] = engagement(
                        small.teacher(), small.courseId(), small.studentIds().get(0)));
        var fifty = StatementBudget.measure(
                watch,
                () -> found[1] = engagement(
                        large.teacher(), large.courseId(), large.studentIds().get(3)));

        assertThat(five.statements()).as(five.describe()).isEqualTo(ENGAGEMENT);
        assertThat(fifty.statements()).as(fifty.describe()).isEqualTo(ENGAGEMENT);
        assertThat(five.nPlusOnes()).isEmpty();
        assertThat(fifty.nPlusOnes()).isEmpty();

        // a regular student: every past-due assignment handed in yesterday, graded 85
        Engagement regular = found[0];
        assertThat(regular.student().id()).isEqualTo(small.studentIds().get(0));
        assertThat(regular.student().name()).isEqualTo("Student 001");
        assertThat(regular.enrollmentStatus()).isEqualTo("active");
        assertThat(regular.submissions().assignments()).isEqualTo(6);
        assertThat(regular.submissions().count()).isEqualTo(3);
        assertThat(regular.submissions().submitted()).isEqualTo(3);
        assertThat(regular.submissions().graded()).isEqualTo(3);
        assertThat(regular.submissions().averageScore()).isEqualByComparingTo("85");
        assertThat(regular.submissions().averagePercent()).isEqualByComparingTo("85");
        assertThat(regular.quizAttempts().count()).isEqualTo(1);
        assertThat(regular.quizAttempts().completed()).isEqualTo(1);
        assertThat(regular.quizAttempts().averageScore()).isEqualByComparingTo("70");
        assertThat(regular.discussionPosts().count()).isEqualTo(2);
        assertThat(regular.lastActivityAt()).isEqualTo(regular.submissions().lastSubmittedAt());
        assertThat(regular.lastActivityAt()).isBetween(ago(Duration.ofHours(25)), ago(Duration.ofHours(23)));

        // an at-risk student: one of 30 past-due assignments, 30 days ago, graded 40
        Engagement quiet = found[1];
        assertThat(quiet.submissions().assignments()).isEqualTo(60);
        assertThat(quiet.submissions().count()).isEqualTo(1);
        assertThat(quiet.submissions().averageScore()).isEqualByComparingTo("40");
        assertThat(quiet.submissions().lastSubmittedAt()).isBefore(ago(Duration.ofDays(29)));
        assertThat(quiet.discussionPosts().count()).isEqualTo(2);
        // the newest of submission (30 days), quiz attempt (5 days) and posts (4 and 5 days ago)
        assertThat(quiet.lastActivityAt()).isEqualTo(quiet.discussionPosts().lastPostAt());
        assertThat(quiet.lastActivityAt()).isBetween(ago(Duration.ofHours(97)), ago(Duration.ofHours(95)));
    }

    @Test
    void studentsSeeTheirOwnTeachersTheirCoursesAndOtherTenantsIdsAreNotFound() {
        Cohort mine = Cohort.create(3, 2);
        Cohort theirs = Cohort.create(2, 2);
        long student = mine.studentIds().get(0);

        assertThat(engagement(mine.student(0), mine.courseId(), student)
                        .student()
                        .id())
                .isEqualTo(student);
        assertThat(engagement(mine.admin(), mine.courseId(), student).student().id())
                .isEqualTo(student);
        assertStatus(() -> engagement(mine.student(1), mine.courseId(), student), 403);
        assertStatus(() -> engagement(mine.otherTeacher(), mine.courseId(), student), 403);
        assertStatus(
                () -> engagement(
                        mine.teacher(), theirs.courseId(), theirs.studentIds().get(0)),
                404);
        assertStatus(
                () -> engagement(
                        mine.teacher(), mine.courseId(), theirs.studentIds().get(0)),
                404);
        assertStatus(() -> engagement(mine.admin(), Long.MAX_VALUE, student), 404);
        // a user of the tenant who is not a student of the course
        assertStatus(() -> engagement(mine.admin(), mine.courseId(), mine.teacherId()), 404);
    }

    private static Instant ago(Duration duration) {
        return Instant.now().minus(duration);
    }

    private Engagement engagement(Caller caller, long course, long user) {
        try (var t = DataTier.bindTenant(caller.tenantId())) {
            return service.engagement(caller, course, user);
        }
    }

    private static void assertStatus(ThrowingCallable call, int status) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(status));
    }
}
