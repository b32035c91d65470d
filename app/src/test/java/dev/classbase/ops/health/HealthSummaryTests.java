package dev.classbase.ops.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.data.pool.Pools;
import dev.classbase.ops.checks.Checks;
import dev.classbase.ops.space.Space;
import dev.classbase.testsupport.TestApp;
import java.lang.reflect.Proxy;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /api/v1/admin/database/health}: every section in one answer, lists capped, the worst
 * status on top; and the time budget, which a section that does not answer cannot stretch.
 */
class HealthSummaryTests {
    private static final TestApp APP = TestApp.shared();
    private static final List<String> STATUSES = List.of("green", "amber", "red", "unavailable");

    @Test
    void anOperatorGetsEverySectionInOneCall() {
        HttpResponse<String> response = APP.get("/api/v1/admin/database/health", APP.signInOperator());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = TestApp.json(response);
        int top = body.path("top").asInt();
        assertThat(top).isEqualTo(HealthProperties.defaults().top());

        List<String> names = new ArrayList<>();
        String worst = "green";
        for (JsonNode section : body.path("sections")) {
            names.add(section.path("name").asString());
            String status = section.path("status").asString();
            assertThat(status).as(section.toString()).isIn(STATUSES);
            worst = HealthSummary.worse(worst, status);
            for (JsonNode check : section.path("checks")) {
                assertThat(check.path("details").size()).as(check.toString()).isLessThanOrEqualTo(top);
            }
            assertThat(section.path("items").size()).isLessThanOrEqualTo(Math.max(top, 16));
        }
        assertThat(names).isEqualTo(HealthSummary.SECTIONS);
        assertThat(body.path("status").asString()).isEqualTo(worst);

        JsonNode pools = section(body, "pools");
        assertThat(pools.path("items"))
                .extracting(p -> p.path("name").asString())
                .isNotEmpty();
        JsonNode tables = section(body, "largest_tables");
        assertThat(tables.path("status").asString()).isNotEqualTo("unavailable");
        assertThat(tables.path("items")).hasSize(top);
        long previous = Long.MAX_VALUE;
        for (JsonNode t : tables.path("items")) {
            assertThat(t.path("totalBytes").asLong()).isPositive().isLessThanOrEqualTo(previous);
            previous = t.path("totalBytes").asLong();
        }
        assertThat(section(body, "connections").path("checks"))
                .extracting(c -> c.path("name").asString())
                .containsExactly("connections", "idle_in_transaction", "long_running_queries");
        assertThat(section(body, "replication").path("checks"))
                .extracting(c -> c.path("name").asString())
                .containsExactly("replication_lag", "inactive_replication_slots");
        assertThat(section(body, "index_usage").path("checks"))
                .extracting(c -> c.path("name").asString())
                .containsExactly("invalid_indexes", "unused_indexes", "missing_indexes");
        assertThat(section(body, "replication")
                        .path("checks")
                        .get(0)
                        .path("value")
                        .asString())
                .as("the shared cluster streams to two replicas")
                .isEqualTo("2 replicas");
    }

    @Test
    void aTenantsAdminIsRefused() {
        HttpResponse<String> response = APP.get("/api/v1/admin/database/health", APP.signIn("admin@northwood.demo"));
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
    }

    /**
     * A section whose database never answers (a connection that is not handed out until the test
     * says so) is cut at the budget: it is unavailable, the sections after it are skipped, and the
     * summary comes back while that read is still waiting.
     */
    @Test
    void aSectionPastTheBudgetIsCutAndTheRestSkipped() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch asked = new CountDownLatch(1);
        DataSource stuck = (DataSource) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        asked.countDown();
                        release.await();
                        throw new SQLException("released by the test");
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        HealthSummary health = new HealthSummary(
                APP.bean(Checks.class),
                APP.bean(Pools.class),
                new Space(stuck, Duration.ofSeconds(5)),
                new HealthProperties(Duration.ofSeconds(1), 5));
        try {
            HealthSummary.Report summary = health.report();
            assertThat(release.getCount())
                    .as("answered while the stuck read still waits")
                    .isEqualTo(1);
            assertThat(summary.sections())
                    .extracting(HealthSummary.Section::name)
                    .isEqualTo(HealthSummary.SECTIONS);
            HealthSummary.Section tables = summary.sections().get(4);
            HealthSummary.Section indexes = summary.sections().get(5);
            assertThat(tables.status()).isEqualTo("unavailable");
            assertThat(indexes.status()).isEqualTo("unavailable");
            assertThat(indexes.note()).startsWith("skipped: the summary's budget of 1 s was spent");
            if (asked.await(0, TimeUnit.SECONDS)) {
                assertThat(tables.note()).isEqualTo("not finished within the summary's budget of 1 s");
            }
        } finally {
            release.countDown();
        }
    }

    @Test
    void outOfRangeSettingsAreClamped() {
        HealthProperties p = new HealthProperties(Duration.ofMillis(10), 0);
        assertThat(p.budget()).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.top()).isEqualTo(1);
        assertThat(new HealthProperties(Duration.ofHours(1), 500).budget()).isEqualTo(Duration.ofSeconds(60));
        assertThat(HealthSummary.worse("amber", "red")).isEqualTo("red");
        assertThat(HealthSummary.worse("amber", "unavailable")).isEqualTo("amber");
    }

    private static JsonNode section(JsonNode body, String name) {
        for (JsonNode s : body.path("sections")) {
            if (s.path("name").asString().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no section " + name + " in " + body);
    }
}
