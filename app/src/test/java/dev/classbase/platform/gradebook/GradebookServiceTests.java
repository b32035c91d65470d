package dev.classbase.platform.gradebook;

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
import dev.classbase.web.auth.Role;
import org.junit.jupiter.api.Test;

/** The gradebook service on a section of 5 and of 50 students: same grid, same statements. */
class GradebookServiceTests {
    private final TestApp app = TestApp.shared();
    private final GradebookService service = app.bean(GradebookService.class);
    private final QueryWatch watch = app.bean(QueryWatch.class);

    @Test
    void buildsTheWholeGridInTheSameStatementsForFiveAndFiftyStudents() throws Exception {
        Classroom small = Classroom.create(5, 6);
        Classroom large = Classroom.create(50, 40);

        Gradebook[] books = new Gradebook[2];
        var five = StatementBudget.measure(watch, () -> books[0] = gradebook(small.teacher(), small.sectionId()));
        var fifty = StatementBudget.measure(watch, () -> books[1] = gradebook(large.teacher(), large.sectionId()));

        assertThat(five.statements()).isEqualTo(Budgets.READ + 4);
        assertThat(fifty.statements()).isEqualTo(five.statements());
        assertThat(five.nPlusOnes()).isEmpty();
        assertThat(fifty.nPlusOnes()).isEmpty();

        assertThat(books[1].students()).hasSize(50);
        assertThat(books[1].assignments()).hasSize(40);
        Gradebook.Row row = books[1].students().getFirst();
        assertThat(row.cells()).hasSize(40);
        assertThat(row.cells().getFirst())
                .as(row.toString() + books[1].assignments())
                .extracting(Gradebook.Cell::status)
                .isEqualTo("graded");
        assertThat(row.cells().getFirst().score()).isEqualByComparingTo("80");
        // 20 assignments are past due; the first is graded, so 19 are missing
        assertThat(row.missing()).isEqualTo(19);
        assertThat(row.cells().getLast().status()).isEqualTo("not_due");
    }

    @Test
    void anotherTeachersOrTenantsSectionIsNotFoundAndStudentsAreRefused() {
        Classroom mine = Classroom.create(2, 2);
        Classroom theirs = Classroom.create(2, 2);
        Caller otherTeacherSameTenant = new Caller(mine.tenantId(), mine.adminId() + 100_000_000L, Role.TEACHER, "x");

        assertThatThrownBy(() -> gradebook(mine.teacher(), theirs.sectionId()))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(404));
        assertThatThrownBy(() -> gradebook(otherTeacherSameTenant, mine.sectionId()))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(404));
        assertThatThrownBy(() -> gradebook(mine.student(0), mine.sectionId()))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(403));
        assertThat(gradebook(mine.admin(), mine.sectionId()).students()).hasSize(2);
    }

    private Gradebook gradebook(Caller caller, long section) {
        try (var t = DataTier.bindTenant(caller.tenantId())) {
            return service.section(caller, section);
        }
    }
}
