package dev.classbase.platform.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.platform.fixtures.Plans;
import dev.classbase.testsupport.ScaleS;
import dev.classbase.testsupport.TestApp;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A user's recent events on scale-S data (1M events in monthly partitions) read
 * analytics_events_user_time (V13) on each month's partition, newest first, and stop at the
 * page size.
 */
class EventPlanTests {
    private static final OffsetDateTime AS_OF = TestApp.AS_OF.atStartOfDay().atOffset(ZoneOffset.UTC);

    private final DataSource db = ScaleS.ownerDataSource();

    @Test
    void aUsersRecentEventsReadTheUserTimeIndexOfEachPartition() {
        var plan = firstPage();
        assertThat(Plans.parentIndexNames(db, plan))
                .as(plan.toString())
                .isNotEmpty()
                .contains("analytics_events_user_time")
                .allMatch(name -> name.equals("analytics_events_user_time") || name.equals("users_pkey"));
    }

    /**
     * Events by time: the monthly range partitions are the time index. A page reads only the
     * months its window overlaps (90 days back from the page's end: four months as of
     * 2026-11-02), not the other fourteen nor the default partition. So no occurred_at index of
     * its own is created: no query of ours reads
     * events by time alone, and pruning serves the window.
     */
    @Test
    void aUsersRecentEventsReadOnlyTheMonthsOfTheWindow() {
        var plan = firstPage();
        List<String> partitions = Plans.relationNames(plan).stream()
                .filter(name -> name.startsWith("analytics_events"))
                .toList();
        assertThat(partitions)
                .as(plan.toString())
                .containsExactlyInAnyOrder(
                        "analytics_events_p202608",
                        "analytics_events_p202609",
                        "analytics_events_p202610",
                        "analytics_events_p202611");
    }

    /** The first page (51 rows) of the user with the most events, as of {@link TestApp#AS_OF}. */
    private JsonNode firstPage() {
        var user = JdbcClient.create(db)
                .sql("select tenant_id, user_id from analytics_events where user_id is not null "
                        + "group by 1, 2 order by count(*) desc limit 1")
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .single();
        return Plans.explainAsService(
                EventQueries.OF_USER,
                Map.of(
                        "tenant",
                        user[0],
                        "user",
                        user[1],
                        "since",
                        AS_OF.minus(EventService.HISTORY),
                        "beforeAt",
                        AS_OF,
                        "beforeId",
                        0L,
                        "limit",
                        51));
    }
}
