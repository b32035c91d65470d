package dev.classbase.platform.discussions;

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
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Posting: members, the teacher and admins may; others find no discussion. */
class DiscussionServiceTests {
    private final TestApp app = TestApp.shared();
    private final DiscussionService service = app.bean(DiscussionService.class);
    private final QueryWatch watch = app.bean(QueryWatch.class);

    @Test
    void membersTeacherAndAdminPostInOneStatement() throws Exception {
        Classroom school = Classroom.create(1, 1);
        for (Caller caller : new Caller[] {school.student(0), school.teacher(), school.admin()}) {
            var m = StatementBudget.measure(
                    watch,
                    () -> assertThat(as(
                                            caller,
                                            () -> service.post(caller, school.discussionId(), new PostRequest("hello")))
                                    .userId())
                            .isEqualTo(caller.userId()));
            assertThat(m.statements()).as(m.describe()).isEqualTo(Budgets.WRITE + 1);
        }
    }

    @Test
    void outsidersAndOtherTenantsFindNoDiscussion() {
        Classroom school = Classroom.create(1, 1);
        Classroom other = Classroom.create(1, 1);
        assertThatThrownBy(() -> as(
                        other.student(0),
                        () -> service.post(other.student(0), school.discussionId(), new PostRequest("x"))))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(404));
        assertThatThrownBy(() -> as(
                        school.student(0), () -> service.post(school.student(0), Long.MAX_VALUE, new PostRequest("x"))))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(404));
    }

    static <T> T as(Caller caller, Supplier<T> call) {
        try (var t = DataTier.bindTenant(caller.tenantId())) {
            return call.get();
        }
    }
}
