package dev.classbase.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.TestApp;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Probes reach health without a token and learn UP or DOWN, nothing else (no PostgreSQL version,
 * WAL position, replica state or data directory); an operator's token shows the components and
 * their details; metrics, Prometheus and the rest of the actuator are for operators.
 */
class ActuatorAccessTests {
    private static final String[] OPERATOR_ONLY = {
        "/actuator", "/actuator/prometheus", "/actuator/metrics", "/actuator/metrics/jvm.memory.used", "/actuator/info"
    };

    private static TestApp app;
    private static String operator;
    private static String tenantAdmin;
    private static String student;

    @BeforeAll
    static void signIn() {
        app = TestApp.shared();
        operator = app.signInOperator();
        tenantAdmin = app.signIn("admin@northwood.demo");
        student = app.signIn("student1@northwood.demo");
    }

    @Test
    void anonymousHealthSaysTheStatusOnly() {
        HttpResponse<String> health = app.get("/actuator/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode body = TestApp.json(health);
        // the status and the probe groups' names (liveness, readiness), no component
        assertThat(body.propertyNames()).as(health.body()).containsOnly("status", "groups");
        assertThat(body.path("groups").values())
                .extracting(JsonNode::asString)
                .containsExactlyInAnyOrder("liveness", "readiness");
        assertThat(body.path("status").asString()).isIn("UP", "DEGRADED");
        // the probes a load balancer reads answer without a token, with the status only
        for (String probe : new String[] {"/actuator/health/readiness", "/actuator/health/liveness"}) {
            HttpResponse<String> answer = app.get(probe, null);
            assertThat(answer.statusCode()).as(probe).isEqualTo(200);
            assertThat(TestApp.json(answer).propertyNames()).as(answer.body()).containsExactly("status");
        }
        // a component's own path says no more than the whole
        HttpResponse<String> component = app.get("/actuator/health/primary", null);
        assertThat(component.body()).doesNotContain("version", "inRecovery", "details");
    }

    @Test
    void aTenantsUsersSeeTheStatusOnlyToo() {
        for (String token : new String[] {tenantAdmin, student}) {
            HttpResponse<String> health = app.get("/actuator/health", token);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(TestApp.json(health).propertyNames()).as(health.body()).containsOnly("status", "groups");
        }
    }

    @Test
    void anOperatorSeesTheComponentsAndTheirDetails() {
        HttpResponse<String> health = app.get("/actuator/health", operator);
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode body = TestApp.json(health);
        assertThat(body.at("/components/primary/status").asString())
                .as(health.body())
                .isEqualTo("UP");
        assertThat(body.at("/components/primary/details/inRecovery").asBoolean(true))
                .isFalse();
        assertThat(body.at("/components/replica1/details/state").asString()).isNotEmpty();
    }

    @Test
    void anUnknownTokenOnHealthIs401() {
        assertThat(app.get("/actuator/health", "x".repeat(43)).statusCode()).isEqualTo(401);
    }

    @Test
    void metricsPrometheusAndInfoAreForOperators() {
        for (String path : OPERATOR_ONLY) {
            HttpResponse<String> anonymous = app.get(path, null);
            assertThat(anonymous.statusCode()).as(path).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
                    .as(path)
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(anonymous.body()).as(path).doesNotContain("hikaricp", "jvm_");
            for (String token : new String[] {student, tenantAdmin}) {
                HttpResponse<String> refused = app.get(path, token);
                assertThat(refused.statusCode()).as(path).isEqualTo(403);
                assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            }
            assertThat(app.get(path, operator).statusCode()).as(path).isEqualTo(200);
        }
        assertThat(app.get("/actuator/prometheus", operator).body()).contains("hikaricp_connections");
    }
}
