package dev.classbase.ops.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.TestApp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every console path: 401 without a token, 403 for a student, 200 for an admin. */
class ConsoleAccessTests {
    private static final List<String> GETS = List.of(
            "/api/v1/admin/database/checks",
            "/api/v1/admin/database/checks/invalid_indexes",
            "/api/v1/admin/database/queries",
            "/api/v1/admin/database/queries/slow");
    private static final String EXPLAIN = "/api/v1/admin/database/explain";
    private static final String BODY = "{\"sql\": \"SELECT 1\"}";

    private final TestApp app = TestApp.shared();

    @Test
    void anonymousCallersAreUnauthorized() {
        for (String path : GETS) {
            assertThat(app.get(path, null).statusCode()).as(path).isEqualTo(401);
        }
        assertThat(app.post(EXPLAIN, null, BODY).statusCode()).isEqualTo(401);
    }

    @Test
    void studentsAreForbidden() {
        String token = app.signIn("student1@northwood.demo");
        for (String path : GETS) {
            assertThat(app.get(path, token).statusCode()).as(path).isEqualTo(403);
        }
        assertThat(app.post(EXPLAIN, token, BODY).statusCode()).isEqualTo(403);
    }

    @Test
    void adminsGetThrough() {
        String token = app.signIn("admin@northwood.demo");
        for (String path : GETS) {
            assertThat(app.get(path, token).statusCode()).as(path).isEqualTo(200);
        }
        assertThat(app.post(EXPLAIN, token, BODY).statusCode()).isEqualTo(200);
    }
}
