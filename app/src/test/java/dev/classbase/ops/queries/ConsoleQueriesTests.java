package dev.classbase.ops.queries;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.TestApp;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Top statements from pg_stat_statements, by total, mean and calls, and the slow ones. */
class ConsoleQueriesTests {
    private static TestApp app;
    private static String operator;

    @BeforeAll
    static void start() {
        app = TestApp.shared();
        operator = app.signInOperator();
        app.get("/api/v1/courses", operator); // some traffic of the service role
    }

    @Test
    void eachOrderSortsItsColumnDescending() {
        for (String[] order : new String[][] {{"total", "total_ms"}, {"mean", "mean_ms"}, {"calls", "calls"}}) {
            HttpResponse<String> r = app.get("/api/v1/admin/database/queries?order=" + order[0] + "&limit=5", operator);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode body = TestApp.json(r);
            assertThat(body.path("available").asBoolean()).isTrue();
            JsonNode rows = body.path("statements");
            assertThat(rows.size()).isBetween(1, 5);
            for (int i = 1; i < rows.size(); i++) {
                assertThat(rows.get(i).path(order[1]).asDouble())
                        .as(order[0])
                        .isLessThanOrEqualTo(rows.get(i - 1).path(order[1]).asDouble());
            }
        }
    }

    @Test
    void slowListsOnlyStatementsOverTheMean() {
        HttpResponse<String> r = app.get("/api/v1/admin/database/queries/slow?minMeanMs=0.01&limit=50", operator);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        for (JsonNode row : TestApp.json(r).path("statements")) {
            assertThat(row.path("mean_ms").asDouble()).isGreaterThanOrEqualTo(0.01);
        }
    }

    @Test
    void anUnknownOrderIsA400ListingTheValidOnes() {
        HttpResponse<String> r = app.get("/api/v1/admin/database/queries?order=fastest", operator);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("total", "mean", "calls", "fastest");
    }

    @Test
    void badWindowsAre400AndUnknownSnapshots404() {
        for (String query :
                new String[] {"hours=0", "hours=999", "from=1", "to=2", "from=5&to=5", "hours=1&from=1&to=2"}) {
            HttpResponse<String> r = app.get("/api/v1/admin/database/queries?" + query, operator);
            assertThat(r.statusCode()).as(query + ": " + r.body()).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).contains("problem+json");
        }
        assertThat(app.get("/api/v1/admin/database/queries/slow?from=1&to=2", operator)
                        .statusCode())
                .isIn(200, 404); // 200 once the shared server's job has taken two snapshots
        assertThat(app.get("/api/v1/admin/database/queries?from=999999998&to=999999999", operator)
                        .statusCode())
                .isEqualTo(404);
        assertThat(app.get("/api/v1/admin/database/queries/endpoints?from=3&to=2", operator)
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void badLimitsAndThresholdsAre400() {
        assertThat(app.get("/api/v1/admin/database/queries?limit=0", operator).statusCode())
                .isEqualTo(400);
        assertThat(app.get("/api/v1/admin/database/queries/slow?minMeanMs=-1", operator)
                        .statusCode())
                .isEqualTo(400);
    }
}
