package dev.classbase.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Who may call what: 401 without a valid token, 403 for a wrong role, 404 for other tenants' ids. */
class AuthenticationFilterTests {
    private static TestApp app;
    private static JdbcClient owner;

    @BeforeAll
    static void start() {
        app = TestApp.shared();
        owner = JdbcClient.create(TestCluster.shared().primaryDataSource());
    }

    private static long userId(String email) {
        return owner.sql("select id from users where email = :e")
                .param("e", email)
                .query(Long.class)
                .single();
    }

    @Test
    void everyApiRouteButSignInNeedsAToken() {
        for (String path : new String[] {"/api/v1/users/me", "/api/v1/admin/whoami", "/api/v1/no-such-route"}) {
            HttpResponse<String> response = app.get(path, null);
            assertThat(response.statusCode()).as(path).isEqualTo(401);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(response.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        }
        assertThat(app.get("/api/v1/users/me", "x".repeat(43)).statusCode()).isEqualTo(401);
        assertThat(app.send("GET", "/api/v1/users/me", null, null, Map.of("Authorization", "Basic Zm9vOmJhcg=="))
                        .statusCode())
                .isEqualTo(401);
    }

    /** The console's routes show the whole server: a school's admin is refused like its teachers. */
    @Test
    void consoleRoutesAreForOperators() {
        String teacher = app.signIn("teacher1@northwood.demo");
        String student = app.signIn("student1@northwood.demo");
        String admin = app.signIn("admin@northwood.demo");

        HttpResponse<String> forbidden = app.get("/api/v1/admin/whoami", teacher);
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbidden.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(app.get("/api/v1/admin/whoami", student).statusCode()).isEqualTo(403);
        HttpResponse<String> tenantAdmin = app.get("/api/v1/admin/whoami", admin);
        assertThat(tenantAdmin.statusCode()).isEqualTo(403);
        assertThat(tenantAdmin.body()).contains("operator");

        HttpResponse<String> ok = app.get("/api/v1/admin/whoami", app.signInOperator());
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        JsonNode body = TestApp.json(ok);
        assertThat(body.path("role").asString()).isEqualTo("operator");
        assertThat(body.path("email").asString()).isEqualTo("operator@classbase.demo");
    }

    @Test
    void anotherTenantsIdIs404LikeAnUnknownOne() {
        String admin = app.signIn("admin@northwood.demo");
        long sameTenant = userId("teacher2@northwood.demo");
        long otherTenant = userId("teacher2@riverside.demo");

        assertThat(app.get("/api/v1/users/" + sameTenant, admin).statusCode()).isEqualTo(200);
        HttpResponse<String> other = app.get("/api/v1/users/" + otherTenant, admin);
        HttpResponse<String> unknown = app.get("/api/v1/users/999999999", admin);
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(TestApp.json(other).path("title").asString())
                .isEqualTo(TestApp.json(unknown).path("title").asString());
    }

    @Test
    void aStudentSeesOnlyThemselves() {
        String student = app.signIn("student1@northwood.demo");
        long self = userId("student1@northwood.demo");
        long classmate = userId("student2@northwood.demo");

        assertThat(app.get("/api/v1/users/" + self, student).statusCode()).isEqualTo(200);
        assertThat(app.get("/api/v1/users/" + classmate, student).statusCode()).isEqualTo(404);
    }

    @Test
    void theTokenLookupIsOneStatementAndNoneOnceCached() {
        // what /users/me runs itself is the same each time: the difference is the filter's lookup
        String token = app.signIn("admin@northwood.demo");
        HttpResponse<String> cached = app.get("/api/v1/users/me", token);
        assertThat(cached.statusCode()).isEqualTo(200);
        int own = Integer.parseInt(
                cached.headers().firstValue("Classbase-Query-Count").orElseThrow());

        app.bean(dev.classbase.data.cache.Caches.class).invalidateAll("sessions");
        HttpResponse<String> looked = app.get("/api/v1/users/me", token);
        assertThat(looked.statusCode()).isEqualTo(200);
        assertThat(looked.headers().firstValue("Classbase-Query-Count")).hasValue(Integer.toString(own + 1));
        HttpResponse<String> again = app.get("/api/v1/users/me", token);
        assertThat(again.headers().firstValue("Classbase-Query-Count")).hasValue(Integer.toString(own));
    }
}
