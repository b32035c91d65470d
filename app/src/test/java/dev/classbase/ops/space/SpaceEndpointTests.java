package dev.classbase.ops.space;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.TestApp;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code GET /api/v1/admin/database/space}: sizes for operators, 401/403 for everyone else. */
class SpaceEndpointTests {

    @Test
    void adminsGetSizesOthersDoNot() {
        TestApp app = TestApp.shared();
        String path = "/api/v1/admin/database/space";
        assertThat(app.get(path, null).statusCode()).isEqualTo(401);
        assertThat(app.get(path, app.signIn("student1@northwood.demo")).statusCode())
                .isEqualTo(403);

        HttpResponse<String> ok = app.get(path, app.signInOperator());
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        JsonNode body = TestApp.json(ok);
        java.util.List<String> tables = new java.util.ArrayList<>();
        for (JsonNode t : body.get("tables")) {
            tables.add(t.get("table").asString());
        }
        assertThat(tables).contains("users", "analytics_events").doesNotContain("analytics_events_default");
        assertThat(body.get("maintenance").isArray()).isTrue();
        assertThat(body.get("views").isArray()).isTrue();
    }
}
