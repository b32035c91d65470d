package dev.classbase.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.Http;
import dev.classbase.testsupport.LocalPorts;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The actuator on a management port bound to 127.0.0.1: a scraper there needs no token (health with
 * its details, Prometheus); the application's port still refuses both without an operator's token.
 */
class ManagementPortTests {

    @Test
    void theManagementPortAnswersScrapersAndTheApplicationPortStillRefusesThem() throws Exception {
        int managementPort = LocalPorts.free();
        try (TestApp app = TestApp.start(
                TestCluster.shared().springProperties(),
                Map.of("management.server.port", managementPort, "management.server.address", "127.0.0.1"))) {
            String management = "http://127.0.0.1:" + managementPort;

            Http.Response prometheus = Http.get(management + "/actuator/prometheus");
            assertThat(prometheus.status()).isEqualTo(200);
            assertThat(prometheus.body()).contains("hikaricp_connections");
            Http.Response health = Http.get(management + "/actuator/health");
            assertThat(health.status()).isEqualTo(200);
            JsonNode body = health.json();
            assertThat(body.at("/components/primary/details/inRecovery").asBoolean(true))
                    .as(health.body())
                    .isFalse();

            Http.Response onTheApplicationPort = Http.get(app.url("/actuator/prometheus"));
            assertThat(onTheApplicationPort.status()).isEqualTo(401);
            // a user of a tenant gets nothing of the server's there either
            String tenantAdmin = app.signIn("admin@northwood.demo");
            assertThat(app.get("/api/v1/admin/database/checks", tenantAdmin).statusCode())
                    .isEqualTo(403);
        }
    }
}
