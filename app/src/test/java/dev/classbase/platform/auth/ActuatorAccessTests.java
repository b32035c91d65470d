package dev.classbase.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.TestApp;
import org.junit.jupiter.api.Test;

/** Probes and scrapers reach health and Prometheus without a token; the other actuator endpoints are for admins. */
class ActuatorAccessTests {
    private final TestApp app = TestApp.shared();

    @Test
    void healthAndPrometheusAreOpen() {
        assertThat(app.get("/actuator/health", null).statusCode()).isEqualTo(200);
        assertThat(app.get("/actuator/prometheus", null).statusCode()).isEqualTo(200);
    }

    @Test
    void metricsAndInfoNeedAnAdmin() {
        for (String path :
                new String[] {"/actuator", "/actuator/metrics", "/actuator/metrics/jvm.memory.used", "/actuator/info"
                }) {
            assertThat(app.get(path, null).statusCode()).as(path).isEqualTo(401);
            assertThat(app.get(path, app.signIn("student1@northwood.demo")).statusCode())
                    .as(path)
                    .isEqualTo(403);
            assertThat(app.get(path, app.signIn("admin@northwood.demo")).statusCode())
                    .as(path)
                    .isEqualTo(200);
        }
    }
}
