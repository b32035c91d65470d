package dev.classbase.ops.views;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.TestApp;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code GET /api/v1/admin/database/views}: {@code views status} for operators, 401/403 for everyone else. */
class ViewsEndpointTests {
    private static final String PATH = "/api/v1/admin/database/views";

    @Test
    void noTokenIsUnauthorizedAndAStudentIsForbidden() {
        TestApp app = TestApp.shared();
        assertThat(app.get(PATH, null).statusCode()).isEqualTo(401);
        assertThat(app.get(PATH, app.signIn("student1@northwood.demo")).statusCode())
                .isEqualTo(403);
        assertThat(app.get(PATH, app.signIn("teacher1@northwood.demo")).statusCode())
                .isEqualTo(403);
    }

    @Test
    void adminsGetEveryViewInDependencyOrderWithItsRefreshFacts() throws Exception {
        TestApp app = TestApp.shared();
        // one refresh of a view, so there is a last refresh to report
        ViewRefresher owner = new ViewRefresher(
                dev.classbase.testsupport.TestCluster.shared().primaryDataSource(),
                ViewProperties.defaults(),
                java.time.Clock.systemUTC());
        owner.refresh(List.of("mv_content_metrics"), true);

        HttpResponse<String> ok = app.get(PATH, app.signInOperator());

        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        JsonNode content = null;
        for (JsonNode v : TestApp.json(ok).get("views")) {
            names.add(v.get("name").asString());
            if (v.get("name").asString().equals("mv_content_metrics")) {
                content = v;
            }
        }
        assertThat(names).isEqualTo(ViewRegistry.STANDARD.names());
        assertThat(content.get("populated").asBoolean()).isTrue();
        assertThat(content.get("intervalSeconds").asLong()).isEqualTo(3600);
        assertThat(content.get("lastOutcome").asString()).isEqualTo("refreshed");
        assertThat(content.get("lastRefresh").isNull()).isFalse();
        assertThat(content.path("lastDurationMs").isIntegralNumber())
                .as(content.toString())
                .isTrue();
        assertThat(content.get("lastDurationMs").asLong()).isNotNegative();
        assertThat(content.path("stalenessSeconds").isIntegralNumber())
                .as(content.toString())
                .isTrue();
        assertThat(content.get("stalenessSeconds").asLong()).isNotNegative();
        assertThat(content.get("stale").asBoolean()).isFalse();
        assertThat(content.get("asOf").asString())
                .isEqualTo(content.get("lastRefresh").asString());
    }
}
