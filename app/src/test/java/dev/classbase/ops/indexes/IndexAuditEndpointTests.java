package dev.classbase.ops.indexes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.TestApp;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code GET /api/v1/admin/database/indexes}: the audit for operators, 401/403 for everyone else. */
class IndexAuditEndpointTests {

    @Test
    void adminsGetTheAuditOthersDoNot() {
        TestApp app = TestApp.shared();
        String path = "/api/v1/admin/database/indexes";
        assertThat(app.get(path, null).statusCode()).isEqualTo(401);
        assertThat(app.get(path, app.signIn("teacher1@northwood.demo")).statusCode())
                .isEqualTo(403);

        HttpResponse<String> ok = app.get(path, app.signInOperator());
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        JsonNode body = TestApp.json(ok);
        for (String section : new String[] {"unused", "redundant", "invalid", "missing", "bloat"}) {
            assertThat(body.get(section).isArray()).as(section).isTrue();
        }
    }
}
