package dev.classbase.platform.portfolio;

import static dev.classbase.platform.atrisk.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.platform.fixtures.Budgets;
import dev.classbase.testsupport.TestApp;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code GET /api/v1/portfolios/{id}/export} over HTTP: streamed JSON, the error contract before it. */
class PortfolioControllerTests {
    private final TestApp app = TestApp.shared();

    @Test
    void theOwnerDownloadsTheWholePortfolioStreamed() {
        PortfolioFixture fixture = PortfolioFixture.create(40, "private");
        String owner = app.signIn("student1@" + fixture.classroom().slug() + ".demo");

        HttpResponse<String> response = app.get("/api/v1/portfolios/" + fixture.portfolioId() + "/export", owner);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        // written as the rows arrive: chunked, no length known up front
        assertThat(response.headers().firstValue("Content-Length")).isEmpty();
        // the export's own statements, however many entries: the budget of PortfolioServiceTests
        assertThat(statements(response)).isEqualTo(Budgets.SIGNED_IN + PortfolioServiceTests.EXPORT);
        JsonNode doc = TestApp.json(response);
        assertThat(doc.path("entries").size()).isEqualTo(40);
        assertThat(doc.path("entries").get(39).path("comments").size()).isEqualTo(2);
    }

    static int statements(HttpResponse<String> response) {
        return Integer.parseInt(response.headers()
                .firstValue("Classbase-Query-Count")
                .orElseThrow(() -> new AssertionError("no Classbase-Query-Count: " + response.headers())));
    }

    @Test
    void othersAreForbiddenOtherTenantsPortfoliosNotFoundAndBadIdsNamed() {
        PortfolioFixture mine = PortfolioFixture.create(1, "private");
        PortfolioFixture theirs = PortfolioFixture.create(1, "public");
        String classmate = app.signIn("student2@" + mine.classroom().slug() + ".demo");
        String admin = app.signIn("admin@" + mine.classroom().slug() + ".demo");

        assertProblem(app.get("/api/v1/portfolios/" + mine.portfolioId() + "/export", classmate), 403, null);
        assertProblem(app.get("/api/v1/portfolios/" + theirs.portfolioId() + "/export", admin), 404, null);
        assertProblem(app.get("/api/v1/portfolios/" + theirs.portfolioId() + "/export", null), 401, null);
        assertProblem(app.get("/api/v1/portfolios/mine/export", admin), 400, "id");
        assertThat(app.get("/api/v1/portfolios/" + mine.portfolioId() + "/export", admin)
                        .statusCode())
                .isEqualTo(200);
    }
}
