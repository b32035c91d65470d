package dev.classbase.ops.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.TestApp;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The shipped Grafana dashboard is valid JSON whose every panel reads metrics the server exposes. */
class GrafanaDashboardTests {
    @Test
    void everyPanelQueriesMetricsTheServerReallyExposes() throws Exception {
        JsonNode dashboard = JsonMapper.builder()
                .build()
                .readTree(Files.readString(Metrics.infrastructure("grafana", "classbase-dashboard.json")));
        assertThat(dashboard.path("uid").asString()).isEqualTo("classbase-overview");
        Set<String> exposed = Metrics.exposed(TestApp.shared());
        List<String> titles = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        Set<String> referred = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt()))
                    .as("panel ids are unique")
                    .isTrue();
            if ("row".equals(panel.path("type").asString())) {
                continue;
            }
            titles.add(panel.path("title").asString());
            assertThat(panel.path("targets").isEmpty())
                    .as(panel.path("title").asString())
                    .isFalse();
            for (JsonNode target : panel.path("targets")) {
                Set<String> names = Metrics.referredTo(target.path("expr").asString());
                assertThat(names)
                        .as("metrics of panel '%s'", panel.path("title").asString())
                        .isNotEmpty();
                assertThat(exposed)
                        .as(
                                "panel '%s' reads metrics the server exposes",
                                panel.path("title").asString())
                        .containsAll(names);
                referred.addAll(names);
            }
        }
        assertThat(titles)
                .contains("Active connections by pool", "Requests per second by status", "Replica lag (seconds)");
        // pools, requests, errors, latency, checks and replication all have a panel
        assertThat(referred)
                .contains(
                        "hikaricp_connections_active",
                        "http_server_requests_seconds_count",
                        "http_server_requests_seconds_sum",
                        "classbase_db_cache_hit_ratio",
                        "classbase_replica_lag_seconds");
    }
}
