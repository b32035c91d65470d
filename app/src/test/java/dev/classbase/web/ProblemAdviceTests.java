package dev.classbase.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import probe.ProblemProbe;
import tools.jackson.databind.JsonNode;

/** The error contract over HTTP: every failure class answers RFC 9457 problem+json, never a stack trace. */
class ProblemAdviceTests {
    private static TestApp app;
    private static String token;

    @BeforeAll
    static void start() {
        TestApp.shared(); // the demo district
        app = TestApp.start(TestCluster.shared().springProperties(), Map.of(), ProblemProbe.class);
        token = app.signIn("teacher1@northwood.demo");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static JsonNode problem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode body = TestApp.json(response);
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("title").asString()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        return body;
    }

    private HttpResponse<String> post(String json) {
        return app.post("/api/v1/probe/items", token, json);
    }

    @Test
    void validBodyPasses() {
        assertThat(post("{\"count\":1,\"name\":\"a\",\"parts\":[{\"n\":2}]}").statusCode())
                .isEqualTo(200);
    }

    @Test
    void invalidJsonIs400() {
        JsonNode body = problem(post("{\"count\": 1, \"name\": "), 400);
        assertThat(body.path("title").asString()).isEqualTo("Invalid JSON");
        assertThat(body.path("detail").asString()).contains("not valid JSON");
    }

    @Test
    void wrongTypeNamesTheField() {
        JsonNode body = problem(post("{\"count\":\"many\",\"name\":\"a\"}"), 400);
        assertThat(body.path("field").asString()).isEqualTo("count");
        assertThat(body.path("detail").asString()).isEqualTo("count: expected a number");
    }

    @Test
    void wrongTypeInsideAnArrayNamesThePath() {
        JsonNode body = problem(post("{\"count\":1,\"name\":\"a\",\"parts\":[{\"n\":1},{\"n\":\"x\"}]}"), 400);
        assertThat(body.path("field").asString()).isEqualTo("parts[1].n");
    }

    @Test
    void missingFieldsAreListedFirstDeclaredFirst() {
        JsonNode body = problem(post("{}"), 400);
        assertThat(body.path("field").asString()).isEqualTo("count");
        assertThat(body.path("errors")).hasSize(2);
        assertThat(body.path("errors").get(1).path("field").asString()).isEqualTo("name");
    }

    @Test
    void missingBodyIs400() {
        problem(app.send("POST", "/api/v1/probe/items", token, null, Map.of("Content-Type", "application/json")), 400);
    }

    @Test
    void mistypedPathVariableAndParamsNameThem() {
        assertThat(problem(app.get("/api/v1/probe/items/abc", token), 400)
                        .path("field")
                        .asString())
                .isEqualTo("id");
        assertThat(problem(app.get("/api/v1/probe/list", token), 400)
                        .path("field")
                        .asString())
                .isEqualTo("limit");
        assertThat(problem(app.get("/api/v1/probe/list?limit=ten", token), 400)
                        .path("field")
                        .asString())
                .isEqualTo("limit");
        assertThat(problem(app.get("/api/v1/probe/bounded?limit=1000", token), 400)
                        .path("field")
                        .asString())
                .isEqualTo("limit");
        assertThat(problem(app.get("/api/v1/probe/header", token), 400)
                        .path("field")
                        .asString())
                .isEqualTo("Idempotency-Key");
    }

    @Test
    void apiExceptionsKeepStatusAndProperties() {
        assertThat(problem(app.get("/api/v1/probe/items/7", token), 404)
                        .path("detail")
                        .asString())
                .isEqualTo("item 7 was not found");
        JsonNode tooLarge = problem(app.get("/api/v1/probe/too-large", token), 413);
        assertThat(tooLarge.path("limit").asInt()).isEqualTo(1000);
        assertThat(tooLarge.path("field").asString()).isEqualTo("events");
    }

    @Test
    void unknownRouteIs404AndWrongMethodIs405() {
        problem(app.get("/api/v1/probe/nothing-here", token), 404);
        problem(app.get("/no/such/page", null), 404);
        HttpResponse<String> wrongMethod = app.send("DELETE", "/api/v1/probe/list", token, null, Map.of());
        problem(wrongMethod, 405);
        assertThat(wrongMethod.headers().firstValue("Allow"))
                .hasValueSatisfying(v -> assertThat(v).contains("GET"));
    }

    @Test
    void poolExhaustionIs503WithRetryAfterAndCounted() {
        MeterRegistry registry = app.bean(MeterRegistry.class);
        double before = count(registry);
        HttpResponse<String> response = app.get("/api/v1/probe/pool-exhausted", token);
        problem(response, 503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(count(registry)).isEqualTo(before + 1);
    }

    private static double count(MeterRegistry registry) {
        var counter =
                registry.find("classbase.pool.exhausted").tag("pool", "primary").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void statementTimeoutIs503() {
        HttpResponse<String> response = app.get("/api/v1/probe/slow", token);
        problem(response, 503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
    }

    @Test
    void anythingElseIs500WithAnErrorIdAndNoDetails() {
        JsonNode body = problem(app.get("/api/v1/probe/bug", token), 500);
        assertThat(body.path("errorId").asString()).hasSize(36);
        assertThat(body.toString()).doesNotContain("secret internal detail").doesNotContain("IllegalState");
    }

    @Test
    void noTokenIs401WithWwwAuthenticate() {
        HttpResponse<String> response = app.get("/api/v1/probe/list?limit=1", null);
        problem(response, 401);
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        problem(app.get("/api/v1/probe/list?limit=1", "not-a-token"), 401);
    }

    @Test
    void openApiDocumentIsServedWithoutAToken() {
        HttpResponse<String> response = app.get("/v3/api-docs", null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(TestApp.json(response).path("paths").has("/api/v1/sessions")).isTrue();
    }
}
