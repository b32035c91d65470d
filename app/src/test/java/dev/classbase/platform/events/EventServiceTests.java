package dev.classbase.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.data.DataTier;
import dev.classbase.data.watch.QueryWatch;
import dev.classbase.platform.fixtures.Budgets;
import dev.classbase.platform.fixtures.Classroom;
import dev.classbase.testsupport.StatementBudget;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Caller;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Batches of events in one statement, into monthly partitions or the default one. */
class EventServiceTests {
    private final TestApp app = TestApp.shared();
    private final EventService service = app.bean(EventService.class);
    private final QueryWatch watch = app.bean(QueryWatch.class);
    private final JdbcClient owner = JdbcClient.create(TestCluster.shared().primaryDataSource());
    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void aBatchOfOneAndOfAThousandIsOneStatement() throws Exception {
        Classroom school = Classroom.create(1, 0);
        Caller student = school.student(0);
        var one = StatementBudget.measure(
                watch,
                () -> assertThat(as(student, () -> service.ingest(student, batch(1, OffsetDateTime.now()))))
                        .isEqualTo(1));
        var thousand = StatementBudget.measure(
                watch,
                () -> assertThat(as(student, () -> service.ingest(student, batch(1000, OffsetDateTime.now()))))
                        .isEqualTo(1000));
        assertThat(one.statements()).as(one.describe()).isEqualTo(Budgets.WRITE + 1);
        assertThat(thousand.statements()).as(thousand.describe()).isEqualTo(Budgets.WRITE + 1);
        assertThat(count(school)).isEqualTo(1001);
    }

    @Test
    void eventsOutsideEveryMonthLandInTheDefaultPartition() {
        Classroom school = Classroom.create(1, 0);
        Caller student = school.student(0);
        as(student, () -> service.ingest(student, batch(1, OffsetDateTime.of(1999, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC))));
        as(student, () -> service.ingest(student, batch(1, OffsetDateTime.of(2099, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC))));
        as(student, () -> service.ingest(student, batch(1, OffsetDateTime.now())));
        List<String> partitions = owner.sql(
                        "select tableoid::regclass::text from analytics_events where tenant_id = :t order by occurred_at")
                .param("t", school.tenantId())
                .query(String.class)
                .list();
        assertThat(partitions).hasSize(3);
        assertThat(partitions.get(0)).isEqualTo("analytics_events_default");
        assertThat(partitions.get(1)).startsWith("analytics_events_p");
        assertThat(partitions.get(2)).isEqualTo("analytics_events_default");
    }

    @Test
    void oversizedInvalidOrForeignBatchesWriteNothing() {
        Classroom school = Classroom.create(1, 0);
        Caller student = school.student(0);
        assertThatThrownBy(() -> as(student, () -> service.ingest(student, batch(1001, OffsetDateTime.now()))))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status().value()).isEqualTo(413);
                    assertThat(e.properties()).containsEntry("limit", 1000L);
                });
        List<EventBatch.Event> events =
                new ArrayList<>(batch(3, OffsetDateTime.now()).events());
        events.set(2, new EventBatch.Event(" ", OffsetDateTime.now(), null, null));
        assertThatThrownBy(() -> as(student, () -> service.ingest(student, new EventBatch(events))))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.properties()).containsEntry("field", "events[2].kind"));
        events.set(2, new EventBatch.Event("x", OffsetDateTime.now(), null, school.adminId()));
        assertThatThrownBy(() -> as(student, () -> service.ingest(student, new EventBatch(events))))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(403));
        Classroom other = Classroom.create(1, 0);
        events.set(
                2,
                new EventBatch.Event(
                        "x", OffsetDateTime.now(), null, other.studentIds().getFirst()));
        assertThatThrownBy(() -> as(school.admin(), () -> service.ingest(school.admin(), new EventBatch(events))))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status().value()).isEqualTo(400));
        assertThat(count(school)).isZero();
    }

    private EventBatch batch(int n, OffsetDateTime at) {
        List<EventBatch.Event> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ObjectNode payload =
                    json.createObjectNode().put("path", "/courses/" + i).put("n", i);
            events.add(new EventBatch.Event("page_view", at.minusSeconds(i), payload.toString(), null));
        }
        return new EventBatch(events);
    }

    private long count(Classroom school) {
        return owner.sql("select count(*) from analytics_events where tenant_id = :t")
                .param("t", school.tenantId())
                .query(Long.class)
                .single();
    }

    static <T> T as(Caller caller, Supplier<T> call) {
        try (var t = DataTier.bindTenant(caller.tenantId())) {
            return call.get();
        }
    }
}
