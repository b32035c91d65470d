package dev.classbase.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.RawHttp;
import dev.classbase.testsupport.TestApp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Malformed input on the real server answers 4xx problem+json, never a 500 or Tomcat's HTML page:
 * bytes that are not UTF-8, NUL in parameters and JSON, wrong media types, repeated parameters, and
 * what Tomcat rejects before the application (raw sockets: the JDK client will not send it).
 */
class MalformedInputTests {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static TestApp app;
    private static String student;

    @BeforeAll
    static void start() {
        app = TestApp.shared();
        student = app.signIn("student1@northwood.demo");
    }

    private static JsonNode problem(int status, String contentType, String body, int expected) {
        assertThat(status).as(body).isEqualTo(expected);
        assertThat(contentType).as(body).isEqualTo("application/problem+json");
        JsonNode json = JSON.readTree(body);
        assertThat(json.path("status").asInt()).isEqualTo(expected);
        assertThat(json.path("title").asString()).isNotBlank();
        assertThat(body).doesNotContain("Exception").doesNotContain("Tomcat");
        return json;
    }

    private static JsonNode problem(HttpResponse<String> response, int expected) {
        return problem(
                response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(null),
                response.body(),
                expected);
    }

    private static JsonNode problem(RawHttp.Response response, int expected) {
        return problem(response.status(), response.header("Content-Type"), response.body(), expected);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void invalidUtf8InAQueryParameterIs400NamingIt() {
        JsonNode body = problem(app.get("/api/v1/courses?q=%C0%AF", student), 400);
        assertThat(body.path("field").asString()).isEqualTo("q");
        assertThat(body.path("detail").asString()).contains("UTF-8");
        // an unknown parameter too, and a broken escape
        assertThat(problem(app.get("/api/v1/courses?%C0%AF=1", student), 400)
                        .path("field")
                        .asString())
                .isEqualTo("%C0%AF");
        problem(app.get("/api/v1/courses?q=%E2%82", student), 400);
        problem(RawHttp.send(app.port(), "GET /api/v1/courses?q=%zz HTTP/1.1\r\nHost: localhost", null), 400);
        // anonymous as well: the check comes before authentication
        problem(app.get("/api/v1/courses?q=%FF", null), 400);
    }

    @Test
    void nulInAQueryParameterIs400() {
        JsonNode body = problem(app.get("/api/v1/courses?q=a%00b", student), 400);
        assertThat(body.path("field").asString()).isEqualTo("q");
        assertThat(body.path("detail").asString()).contains("NUL");
        problem(app.get("/api/v1/users/24/events?nothing=%00", student), 400);
    }

    @Test
    void aRepeatedSingleValuedParameterIs400SayingSo() {
        JsonNode body = problem(app.get("/api/v1/courses?limit=a&limit=b", student), 400);
        assertThat(body.path("field").asString()).isEqualTo("limit");
        assertThat(body.path("detail").asString()).isEqualTo("limit: is given twice; send it once");
        assertThat(body.toString()).doesNotContain("[Ljava");
        problem(app.get("/api/v1/courses?limit=1&limit=1&limit=1", student), 400);
    }

    @Test
    void unsupportedMediaTypesAre415SayingWhatIsAccepted() {
        for (String type : new String[] {"multipart/form-data; boundary=x", "text/plain", "application/xml"}) {
            JsonNode body = problem(
                    app.sendRaw(
                            "POST",
                            "/api/v1/sessions",
                            null,
                            Map.of("Content-Type", type),
                            bytes("--x\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\na\r\n--x--\r\n")),
                    415);
            assertThat(body.path("detail").asString()).contains("application/json");
            assertThat(body.path("accepted").toString()).contains("application/json");
        }
        problem(
                app.sendRaw(
                        "POST",
                        "/api/v1/assignments/21/submissions",
                        student,
                        Map.of("Content-Type", "multipart/form-data; boundary=x"),
                        bytes("--x--\r\n")),
                415);
        for (String notAType : new String[] {"*/*", "application/*", "garbage", "a/b;c"}) {
            problem(app.sendRaw("POST", "/api/v1/sessions", null, Map.of("Content-Type", notAType), bytes("{}")), 415);
        }
        Map<String, String> form = Map.of("Content-Type", "application/x-www-form-urlencoded");
        problem(app.sendRaw("POST", "/api/v1/sessions", null, form, bytes("email=a&password=x")), 415);
        // a form body is read as parameters first (Spring reads form posts that way): bad bytes are a 400
        problem(app.sendRaw("POST", "/api/v1/sessions", null, form, bytes("email=%C0&password=x")), 400);
    }

    @Test
    void anUnacceptableAcceptIs406ProblemJsonAnyway() {
        for (String accept : new String[] {"text/html", "image/png", "garbage", "*/*;q=x", "application/xml"}) {
            HttpResponse<String> response =
                    app.send("GET", "/api/v1/courses?limit=1", student, null, Map.of("Accept", accept));
            problem(response, 406);
        }
    }

    @Test
    void nulInAJsonStringIs400BeforeTheDatabase() {
        JsonNode body = problem(
                app.post("/api/v1/sessions", null, "{\"email\":\"x\\u0000y\",\"password\":\"classbase-demo\"}"), 400);
        assertThat(body.path("field").asString()).isEqualTo("email");
        assertThat(body.path("detail").asString()).isEqualTo("email: " + NulFreeStrings.MESSAGE);
        problem(app.post("/api/v1/sessions", null, "{\"email\":\"a@b.c\",\"password\":\"\\u0000\"}"), 400);
        JsonNode payload = problem(
                app.post(
                        "/api/v1/events",
                        student,
                        "{\"events\":[{\"kind\":\"k\",\"occurredAt\":\"2026-11-01T10:00:00Z\","
                                + "\"payload\":{\"a\\u0000\":1}}]}"),
                400);
        assertThat(payload.path("field").asString()).isEqualTo("events[0].payload");
        // an escaped backslash before "u0000" is text, not NUL
        assertThat(NulFreeStrings.hasEscapedNul("{\"a\":\"\\\\u0000\"}")).isFalse();
        assertThat(NulFreeStrings.hasEscapedNul("{\"a\":\"\\\\\\u0000\"}")).isTrue();
    }

    @Test
    void theDatabaseRefusingNulOrARangeIs400() {
        Failures failures = new Failures(new SimpleMeterRegistry());
        for (String state : new String[] {"22021", "22P05", "22003", "22008"}) {
            var rendered = failures.render(new RuntimeException(new SQLException("refused", state)), "/p");
            assertThat(rendered.problem().getStatus()).as(state).isEqualTo(400);
        }
        assertThat(failures.render(
                                new IllegalStateException(
                                        new org.apache.tomcat.util.http.InvalidParameterException("bad")),
                                "/p")
                        .problem()
                        .getStatus())
                .isEqualTo(400);
    }

    @Test
    void errorPathAskedForDirectlyIs404() {
        problem(app.get("/error", null), 404);
        problem(app.get("/error", student), 404);
        problem(app.send("POST", "/error", null, "{}", Map.of()), 404);
    }

    @Test
    void whatTomcatRejectsIsProblemJsonWithItsStatus() {
        int port = app.port();
        problem(RawHttp.send(port, "GET /api/v1/courses/%00 HTTP/1.1\r\nHost: localhost", null), 400);
        problem(RawHttp.send(port, "GET /api/v1/courses%2F1 HTTP/1.1\r\nHost: localhost", null), 400);
        problem(RawHttp.send(port, "GET /api/v1/courses HTTP/1.1\r\nHost: localhost\r\nX-A: a\0b", null), 400);
        RawHttp.Response large = RawHttp.send(
                port, "GET /api/v1/courses HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(9000), null);
        assertThat(large.status()).isIn(400, 431);
        problem(large, large.status());
        problem(RawHttp.send(port, "GET /api/v1/courses?q=\u00ff HTTP/1.1\r\nHost: localhost", null), 400);
    }
}
