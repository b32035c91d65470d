package dev.classbase.ops.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.TestApp;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every console route, as the OpenAPI document lists them under {@code /api/v1/admin/}, and every
 * path the console page calls: 401 without a token, 403 problem+json for a student and for a
 * school's admin (the console shows the whole server: every tenant's queries, connections and
 * audit), through for an operator.
 */
class ConsoleAccessTests {
    private static final String ADMIN = "/api/v1/admin/";
    private static final List<String> GETS = List.of(
            "/api/v1/admin/database/checks",
            "/api/v1/admin/database/checks/invalid_indexes",
            "/api/v1/admin/database/queries",
            "/api/v1/admin/database/queries/slow");
    private static final String EXPLAIN = "/api/v1/admin/database/explain";
    private static final String BODY = "{\"sql\": \"SELECT 1\"}";

    private static TestApp app;
    private static List<Route> routes;

    record Route(String method, String path) {}

    @BeforeAll
    static void routes() {
        app = TestApp.shared();
        HttpResponse<String> docs = app.get("/v3/api-docs", null);
        assertThat(docs.statusCode()).isEqualTo(200);
        routes = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : TestApp.json(docs).path("paths").properties()) {
            if (!path.getKey().startsWith(ADMIN)) {
                continue;
            }
            for (String method : path.getValue().propertyNames()) {
                routes.add(new Route(method.toUpperCase(), concrete(path.getKey())));
            }
        }
        // the console's topics, so a document that lost them cannot pass this test by listing nothing
        assertThat(routes)
                .extracting(Route::path)
                .contains(
                        "/api/v1/admin/database/connections/audit",
                        "/api/v1/admin/database/queries/history",
                        "/api/v1/admin/database/explain",
                        "/api/v1/admin/database/maintenance",
                        "/api/v1/admin/database/alerts",
                        "/api/v1/admin/database/replication",
                        "/api/v1/admin/database/pools",
                        "/api/v1/admin/database/space",
                        "/api/v1/admin/database/health",
                        "/api/v1/admin/database/indexes/suggestions");
        assertThat(routes.size()).isGreaterThanOrEqualTo(25);
    }

    /** A value for each path variable: the filter refuses before any handler reads it. */
    private static String concrete(String template) {
        return template.replaceAll("\\{[^}]+}", "1");
    }

    @Test
    void anonymousCallersAreUnauthorized() {
        for (Route route : routes) {
            assertThat(call(route, null).statusCode()).as(route.toString()).isEqualTo(401);
        }
    }

    @Test
    void studentsAreForbidden() {
        String token = app.signIn("student1@northwood.demo");
        for (Route route : routes) {
            assertThat(call(route, token).statusCode()).as(route.toString()).isEqualTo(403);
        }
    }

    @Test
    void aTenantsAdminIsForbiddenEveryConsoleRoute() {
        for (String admin : new String[] {"admin@northwood.demo", "admin@riverside.demo"}) {
            String token = app.signIn(admin);
            for (Route route : routes) {
                HttpResponse<String> r = call(route, token);
                assertThat(r.statusCode()).as(admin + " " + route).isEqualTo(403);
                assertThat(r.headers().firstValue("Content-Type"))
                        .as(route.toString())
                        .hasValue("application/problem+json");
                assertThat(TestApp.json(r).path("status").asInt()).isEqualTo(403);
            }
        }
    }

    /** What /admin's script asks for (its section paths, read from the served file): 403 to a tenant's admin. */
    @Test
    void aTenantsAdminIsForbiddenWhatTheConsolePageCalls() {
        HttpResponse<String> script = app.get("/admin/console.js", null);
        assertThat(script.statusCode()).isEqualTo(200);
        Matcher prefix = Pattern.compile("const ADMIN = '([^']+)'").matcher(script.body());
        assertThat(prefix.find()).as("the page's API prefix").isTrue();
        Matcher paths = Pattern.compile("path: '([^']+)'").matcher(script.body());
        List<String> called = new ArrayList<>();
        while (paths.find()) {
            called.add("/api/v1/" + prefix.group(1) + paths.group(1));
        }
        called.add("/api/v1/" + prefix.group(1) + "explain");
        assertThat(called).hasSizeGreaterThanOrEqualTo(15);

        String tenantAdmin = app.signIn("admin@northwood.demo");
        String operator = app.signInOperator();
        for (String path : called) {
            String method = path.endsWith("/explain") ? "POST" : "GET";
            String body = method.equals("POST") ? BODY : null;
            assertThat(app.send(method, path, tenantAdmin, body, Map.of()).statusCode())
                    .as(path)
                    .isEqualTo(403);
            assertThat(app.send(method, path, operator, body, Map.of()).statusCode())
                    .as(path)
                    .isNotIn(401, 403);
        }
    }

    /** Spellings Spring MVC maps to a console route: the filter must see them as one too. */
    @Test
    void anEncodedOrParameterizedSpellingIsStillAConsoleRoute() {
        String tenantAdmin = app.signIn("admin@northwood.demo");
        for (String path : new String[] {
            "/api/v1/%61dmin/database/checks",
            "/api/v1/admin;x=1/database/checks",
            "/api/v1/admin/database;x=1/checks",
            "/api/v1/courses/../admin/database/checks"
        }) {
            HttpResponse<String> r = app.get(path, tenantAdmin);
            assertThat(r.statusCode()).as(path + ": " + r.body()).isIn(400, 403, 404);
            assertThat(r.body()).as(path).doesNotContain("\"checks\"");
        }
    }

    @Test
    void operatorsGetThrough() {
        String token = app.signInOperator();
        for (String path : GETS) {
            assertThat(app.get(path, token).statusCode()).as(path).isEqualTo(200);
        }
        assertThat(app.post(EXPLAIN, token, BODY).statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> call(Route route, String token) {
        String body = route.method().equals("POST") || route.method().equals("PUT") ? "{}" : null;
        return app.send(route.method(), route.path(), token, body, Map.of());
    }
}
