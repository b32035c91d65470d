package dev.classbase.platform.dashboard;

import static dev.classbase.platform.dashboard.DashboardFixture.APP;
import static dev.classbase.platform.dashboard.DashboardFixture.OWNER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.data.watch.QueryWatch;
import dev.classbase.ops.rollups.RollupProperties;
import dev.classbase.ops.rollups.Rollups;
import dev.classbase.testsupport.StatementBudget;
import dev.classbase.testsupport.TestCluster;
import dev.classbase.web.auth.Caller;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each endpoint runs the same small number of statements (the tenant binding plus one or two reads)
 * for a day or a year, and after the tenant's activity grows by a thousand events, rolled up and
 * pending.
 */
class DashboardBudgetTests {
    private static final int BUDGET = 3;

    private final DashboardService service = APP.bean(DashboardService.class);
    private final QueryWatch watch = APP.bean(QueryWatch.class);

    @Test
    void everyEndpointCostsTheSameStatementsAsTheDataGrows() throws Exception {
        DashboardFixture.ready();
        Caller admin = DashboardFixture.caller("admin@northwood.demo");
        long studentId = DashboardFixture.caller("student1@northwood.demo").userId();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);

        Map<String, Integer> small = measure(admin, studentId, today.toString(), today.toString());
        grow(admin.tenantId());
        Map<String, Integer> large =
                measure(admin, studentId, today.minusDays(365).toString(), today.toString());

        assertThat(large).isEqualTo(small);
        assertThat(dev.classbase.data.DataTier.readTargets())
                .as("the analytics pool reads on a replica")
                .anyMatch(target -> !target.startsWith("primary"));
        assertThat(small.values()).allSatisfy(n -> assertThat(n).isBetween(1, BUDGET));
    }

    private Map<String, Integer> measure(Caller admin, long studentId, String from, String to) throws Exception {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("daily-activity", count(() -> service.dailyActivity(admin, from, to)));
        counts.put("content-metrics", count(() -> service.contentMetrics(admin, from, to)));
        counts.put("platform-metrics", count(() -> service.platformMetrics(admin, from, to)));
        counts.put("course-analytics", count(() -> service.courseAnalytics(admin)));
        counts.put("instructor-performance", count(() -> service.instructorPerformance(admin)));
        counts.put("learning-summary", count(() -> service.learningSummary(admin, studentId)));
        return counts;
    }

    private int count(StatementBudget.ThrowingRunnable call) throws Exception {
        StatementBudget.Measurement m = StatementBudget.assertAtMost(BUDGET, watch, call);
        return m.statements();
    }

    /** A thousand events over the last year, rolled up, then a hundred more left pending in the inbox. */
    private static void grow(long tenant) throws Exception {
        String insert = """
                insert into analytics_events (tenant_id, user_id, kind, occurred_at)
                select ?, u.id, 'budget', now() - (g % 360) * interval '1 day'
                from generate_series(1, ?) as g
                join lateral (select id from users where tenant_id = ? order by id offset (g % 50) limit 1) as u on true
                """;
        OWNER.sql(insert).params(tenant, 1000, tenant).update();
        new Rollups(TestCluster.shared().primaryDataSource(), RollupProperties.defaults()).run(false);
        OWNER.sql(insert).params(tenant, 100, tenant).update();
    }
}
