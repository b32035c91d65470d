package dev.classbase.platform.catalog;

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
import dev.classbase.web.auth.Role;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Catalog search and browse on the demo district: ranking, keyset pages, bad cursors, budgets. */
class CatalogServiceTests {
    private static final Caller NORTHWOOD_STUDENT = new Caller(1, 0, Role.STUDENT, "student@northwood");

    private final TestApp app = TestApp.shared();
    private final CatalogService service = app.bean(CatalogService.class);
    private final QueryWatch watch = app.bean(QueryWatch.class);
    private final JdbcClient owner = JdbcClient.create(TestCluster.shared().primaryDataSource());

    @Test
    void browsingPageByPageVisitsEveryPublishedCourseOnceInTitleOrder() {
        long published = owner.sql("select count(*) from courses where tenant_id = 1 and status = 'published'")
                .query(Long.class)
                .single();
        List<CourseSummary> all =
                walk(cursor -> as(NORTHWOOD_STUDENT, () -> service.page(NORTHWOOD_STUDENT, null, null, cursor, 3)));
        assertThat(all).hasSize((int) published);
        assertThat(new HashSet<>(all.stream().map(CourseSummary::id).toList())).hasSize(all.size());
    }

    @Test
    void searchRanksMatchesAndPagesThroughThemWithoutGapsOrRepeats() {
        String word = owner.sql("select split_part(title, ' ', 1) from courses where tenant_id = 1 and status = "
                        + "'published' group by 1 order by count(*) desc limit 1")
                .query(String.class)
                .single();
        List<CourseSummary> paged =
                walk(cursor -> as(NORTHWOOD_STUDENT, () -> service.page(NORTHWOOD_STUDENT, word, null, cursor, 2)));
        CatalogPage onePage = as(NORTHWOOD_STUDENT, () -> service.page(NORTHWOOD_STUDENT, word, null, null, 100));
        assertThat(paged).isNotEmpty().isEqualTo(onePage.items());
        for (int i = 1; i < paged.size(); i++) {
            assertThat(paged.get(i).rank()).isLessThanOrEqualTo(paged.get(i - 1).rank());
        }
        assertThat(paged)
                .allSatisfy(c -> assertThat(c.title() + " " + c.description()).containsIgnoringCase(word));
    }

    @Test
    void operatorsAndQuotesAreWordsNeverASyntaxError() {
        for (String q :
                List.of("\"algebra", "algebra & | ! (", "-", "or", "'); drop table courses; --", ":*", "<->", "\\")) {
            assertThat(as(NORTHWOOD_STUDENT, () -> service.page(NORTHWOOD_STUDENT, q, null, null, 5))
                            .items())
                    .as(q)
                    .isNotNull();
        }
    }

    @Test
    void garbageCursorsAndPageSizesAreBadRequestsNamingTheParameter() {
        String rankCursor = CatalogCursor.afterRank(0.5f, 3).encode();
        for (String cursor : List.of("garbage!!", "Zm9v", "", rankCursor)) {
            assertThatThrownBy(
                            () -> as(NORTHWOOD_STUDENT, () -> service.page(NORTHWOOD_STUDENT, null, null, cursor, 5)))
                    .as(cursor)
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status().value()).isEqualTo(400);
                        assertThat(e.properties()).containsEntry("field", "cursor");
                    });
        }
        for (int limit : new int[] {0, 101, -1}) {
            assertThatThrownBy(() -> service.page(NORTHWOOD_STUDENT, null, null, null, limit))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status().value()).isEqualTo(400);
                        assertThat(e.properties())
                                .containsEntry("field", "limit")
                                .containsEntry("limit", 100);
                    });
        }
    }

    @Test
    void detailShowsTheCounterColumnsAndHidesOtherTenantsAndDrafts() throws Exception {
        Classroom school = Classroom.create(3, 2);
        long northwoodCourse = owner.sql("select min(id) from courses where tenant_id = 1 and status = 'published'")
                .query(Long.class)
                .single();
        var m = StatementBudget.measure(watch, () -> {
            CourseDetail d = as(school.student(0), () -> service.course(school.student(0), school.courseId()));
            assertThat(d.title()).isEqualTo("Budget Algebra");
            assertThat(d.sections()).hasSize(1);
            assertThat(d.instructor().id()).isEqualTo(school.teacherId());
        });
        assertThat(m.statements()).as(m.describe()).isEqualTo(Budgets.READ + 1); // the course
        assertThatThrownBy(() -> as(school.student(0), () -> service.course(school.student(0), northwoodCourse)))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(404));
        long draft = owner.sql("select min(id) from courses where tenant_id = 1 and status = 'draft'")
                .query(Long.class)
                .single();
        assertThatThrownBy(() -> as(NORTHWOOD_STUDENT, () -> service.course(NORTHWOOD_STUDENT, draft)))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(404));
        Caller admin = new Caller(1, 1, Role.ADMIN, "admin@northwood.demo");
        assertThat(as(admin, () -> service.course(admin, draft)).status()).isEqualTo("draft");
    }

    @Test
    void everyPageCostsOneStatementWhateverItsSize() throws Exception {
        for (int limit : new int[] {1, 100}) {
            for (String q : new String[] {null, "science"}) {
                var m = StatementBudget.measure(
                        watch,
                        () -> as(NORTHWOOD_STUDENT, () -> service.page(NORTHWOOD_STUDENT, q, null, null, limit)));
                assertThat(m.statements()).as(m.describe()).isEqualTo(Budgets.READ + 1);
            }
        }
    }

    private static List<CourseSummary> walk(java.util.function.Function<String, CatalogPage> fetch) {
        List<CourseSummary> all = new ArrayList<>();
        String cursor = null;
        for (int guard = 0; guard < 1000; guard++) {
            CatalogPage page = fetch.apply(cursor);
            all.addAll(page.items());
            cursor = page.nextCursor();
            if (cursor == null) {
                return all;
            }
        }
        throw new AssertionError("pagination did not end");
    }

    static <T> T as(Caller caller, Supplier<T> call) {
        try (var t = DataTier.bindTenant(caller.tenantId())) {
            return call.get();
        }
    }
}
