package dev.classbase.ops.partitions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.TestApp;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code GET /api/v1/admin/database/partitions}: {@code partitions status} for operators, 401/403 for everyone else. */
class PartitionsEndpointTests {
    private static final String PATH = "/api/v1/admin/database/partitions";

    @Test
    void noTokenIsUnauthorizedAndAStudentIsForbidden() {
        TestApp app = TestApp.shared();
        assertThat(app.get(PATH, null).statusCode()).isEqualTo(401);
        assertThat(app.get(PATH, app.signIn("student1@northwood.demo")).statusCode())
                .isEqualTo(403);
        assertThat(app.get(PATH, app.signIn("teacher1@northwood.demo")).statusCode())
                .isEqualTo(403);
    }

    @Test
    void adminsGetEveryPartitionedTableWithTheirDefaultRows() throws Exception {
        TestApp app = TestApp.shared();

        HttpResponse<String> ok = app.get(PATH, app.signInOperator());

        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        List<String> tables = new ArrayList<>();
        JsonNode events = null;
        JsonNode progress = null;
        for (JsonNode t : TestApp.json(ok).get("tables")) {
            tables.add(t.get("table").asString());
            if (t.get("table").asString().equals("analytics_events")) {
                events = t;
            } else if (t.get("table").asString().equals("progress")) {
                progress = t;
            }
        }
        assertThat(tables)
                .contains(
                        "analytics_events",
                        "activity_logs",
                        "learning_sessions",
                        "behavioral_indicators",
                        "assessment_attempts",
                        "progress",
                        "user_sessions");
        assertThat(progress.get("strategy").asString()).isEqualTo("hash");
        assertThat(progress.get("partitionCount").asInt()).isEqualTo(16);
        // absent (the API leaves nulls out): hash tables have no default partition
        assertThat(progress.path("defaultRows").isMissingNode()
                        || progress.path("defaultRows").isNull())
                .isTrue();
        assertThat(events.get("strategy").asString()).isEqualTo("range");
        assertThat(events.get("defaultPartition").asString()).isEqualTo("analytics_events_default");
        // counted as the owner (V65): the service role alone would see 0 through row-level security
        long ownerCount;
        try (var c = dev.classbase.testsupport.TestCluster.shared()
                        .primaryDataSource()
                        .getConnection();
                var rs = c.createStatement().executeQuery("select count(*) from analytics_events_default")) {
            rs.next();
            ownerCount = rs.getLong(1);
        }
        assertThat(events.get("defaultRows").asLong()).isEqualTo(ownerCount);
        JsonNode month = null;
        for (JsonNode p : events.get("partitions")) {
            if (p.path("from").isString()) {
                month = p;
                break;
            }
        }
        assertThat(month).as("a monthly partition").isNotNull();
        assertThat(month.get("name").asString()).startsWith("analytics_events_p");
        assertThat(java.time.OffsetDateTime.parse(month.get("to").asString()))
                .isAfter(java.time.OffsetDateTime.parse(month.get("from").asString()));
        assertThat(events.get("partitions").size())
                .isEqualTo(events.get("partitionCount").asInt());
    }
}
