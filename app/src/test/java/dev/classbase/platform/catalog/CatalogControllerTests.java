package dev.classbase.platform.catalog;

import static dev.classbase.platform.fixtures.ApiCalls.badRequest;
import static dev.classbase.platform.fixtures.ApiCalls.problem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.platform.fixtures.ApiCalls;
import dev.classbase.platform.fixtures.Budgets;
import dev.classbase.platform.fixtures.Classroom;
import dev.classbase.testsupport.TestApp;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The catalog over HTTP, as a client sees it: the statements of a whole request (token lookup,
 * tenant binding, the page) stay the same for a tenant of 1 course and of 21, and every bad
 * parameter is a 400 naming it.
 */
class CatalogControllerTests {
    private static final int REQUEST = Budgets.SIGNED_IN + Budgets.READ + 1;

    private static TestApp app;
    private static ApiCalls api;
    private static Classroom small;
    private static Classroom large;
    private static String smallToken;
    private static String largeToken;

    @BeforeAll
    static void schools() {
        app = TestApp.shared();
        api = new ApiCalls(app);
        small = Classroom.create(1, 0);
        large = Classroom.create(1, 0);
        large.addCourses(20, "mathematics");
        smallToken = app.signIn(small.student(0).email());
        largeToken = app.signIn(large.student(0).email());
    }

    @Test
    void browseSearchAndCategoryPagesCostTheSameForOneCourseAndTwentyOne() {
        for (String query : List.of("?limit=100", "?limit=100&category=mathematics", "?limit=100&q=budget")) {
            var one = api.get("/api/v1/courses" + query, smallToken);
            var many = api.get("/api/v1/courses" + query, largeToken);
            assertThat(one.status()).as(one.response().body()).isEqualTo(200);
            assertThat(many.status()).as(many.response().body()).isEqualTo(200);
            assertThat(one.json().path("items")).as(query).hasSize(1);
            assertThat(many.json().path("items")).as(query).hasSize(21);
            assertThat(one.statements()).as(query).isEqualTo(REQUEST);
            assertThat(many.statements()).as(query).isEqualTo(REQUEST);
            assertThat(one.nPlusOnes() + many.nPlusOnes()).isZero();
            // the test servers' catalog region is off: every page is read through, and says so
            assertThat(many.response().headers().firstValue("Classbase-Cache"))
                    .as(query)
                    .contains("bypass");
        }
    }

    @Test
    void aPageAndItsNextCursorWalkEveryCourseOnce() {
        var first = api.get("/api/v1/courses?limit=20", largeToken);
        String cursor = first.json().path("nextCursor").asString();
        var second = api.get("/api/v1/courses?limit=20&cursor=" + cursor, largeToken);
        assertThat(first.json().path("items")).hasSize(20);
        assertThat(second.json().path("items")).hasSize(1);
        assertThat(second.json().path("nextCursor").isMissingNode()
                        || second.json().path("nextCursor").isNull())
                .isTrue();
        assertThat(second.statements()).isEqualTo(REQUEST);
    }

    @Test
    void detailIsOneStatementAndOtherTenantsCoursesAreNotFound() {
        var mine = api.get("/api/v1/courses/" + large.courseId(), largeToken);
        assertThat(mine.status()).isEqualTo(200);
        assertThat(mine.json().path("sections")).hasSize(1);
        assertThat(mine.statements()).isEqualTo(REQUEST);
        assertThat(mine.nPlusOnes()).isZero();
        assertThat(mine.response().headers().firstValue("Classbase-Cache")).contains("bypass");
        problem(api.get("/api/v1/courses/" + small.courseId(), largeToken), 404);
        problem(api.get("/api/v1/courses/" + Long.MAX_VALUE, largeToken), 404);
        badRequest(api.get("/api/v1/courses/abc", largeToken), "id");
    }

    @Test
    void badPageSizesCursorsAndTypesAre400NamingTheParameter() {
        for (String limit : List.of("0", "101", "-1")) {
            var body = badRequest(api.get("/api/v1/courses?limit=" + limit, smallToken), "limit");
            assertThat(body.path("limit").asInt()).isEqualTo(CatalogService.MAX_PAGE);
        }
        badRequest(api.get("/api/v1/courses?limit=many", smallToken), "limit");
        for (String cursor :
                List.of("garbage!!", "Zm9v", CatalogCursor.afterRank(0.5f, 3).encode())) {
            badRequest(api.get("/api/v1/courses?cursor=" + encode(cursor), smallToken), "cursor");
        }
        badRequest(api.get("/api/v1/courses?q=" + "x".repeat(CatalogService.MAX_QUERY + 1), smallToken), "q");
        // text cannot hold NUL: refused as input, never a database error
        badRequest(api.get("/api/v1/courses?q=a%00b", smallToken), "q");
        badRequest(api.get("/api/v1/courses?category=a%00b", smallToken), "category");
        badRequest(
                api.get(
                        "/api/v1/courses?cursor="
                                + encode(CatalogCursor.afterTitle("a\0", 1).encode()),
                        smallToken),
                "cursor");
    }

    @Test
    void operatorsAndQuotesInASearchAreWords() {
        for (String q : List.of("\"budget", "budget & | ! (", "-", "or", "'); drop table courses; --", ":*", "<->")) {
            var call = api.get("/api/v1/courses?q=" + encode(q), smallToken);
            assertThat(call.status()).as(q + ": " + call.response().body()).isEqualTo(200);
            assertThat(call.statements()).isEqualTo(REQUEST);
        }
        assertThat(api.get("/api/v1/courses?q=" + encode("\"budget algebra\""), smallToken)
                        .json()
                        .path("items"))
                .hasSize(1);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
