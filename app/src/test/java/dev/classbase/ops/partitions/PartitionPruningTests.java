package dev.classbase.ops.partitions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.TestCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard's 30-day question (events per day for one tenant) reads at most two monthly
 * partitions of analytics_events, on the layout the manager keeps, however many months exist.
 */
class PartitionPruningTests {

    @Test
    void aThirtyDayQueryScansAtMostTwoMonthlyPartitions() throws Exception {
        DataSource primary = TestCluster.shared().freshDatabase("partitions_pruning");
        JdbcClient db = JdbcClient.create(primary);
        PartitionManagerTests.layout(db, "analytics_events", LocalDate.of(2029, 9, 1), LocalDate.of(2031, 3, 1));
        assertThat(new PartitionManager(primary, PartitionProperties.defaults(), PartitionManagerTests.TODAY)
                        .maintain()
                        .outcome())
                .isEqualTo(MaintenanceReport.Outcome.DONE);
        long tenant = db.sql("insert into tenants (name, slug) values ('Pruning', 'pruning') returning id")
                .query(Long.class)
                .single();
        // a day of events every day of the kept months, so every partition has rows and statistics
        db.sql("""
                        insert into analytics_events (tenant_id, kind, occurred_at)
                        select ?, 'view', d from generate_series(?::timestamptz, ?::timestamptz, interval '6 hours') as d
                        """)
                .params(
                        tenant,
                        OffsetDateTime.parse("2029-09-01T00:00:00Z"),
                        OffsetDateTime.parse("2031-07-31T18:00:00Z"))
                .update();
        db.sql("analyze analytics_events").update();
        assertThat(PartitionManagerTests.months(db, "analytics_events")).hasSizeGreaterThan(20);

        OffsetDateTime to = LocalDate.of(2031, 3, 11).atStartOfDay().atOffset(ZoneOffset.UTC);
        List<String> scanned = scanned(primary, tenant, to.minusDays(30), to);

        assertThat(scanned).isNotEmpty().hasSizeLessThanOrEqualTo(2);
        assertThat(scanned).containsExactly("analytics_events_p203102", "analytics_events_p203103");
    }

    private static List<String> scanned(DataSource ds, long tenant, OffsetDateTime from, OffsetDateTime to)
            throws Exception {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        explain (format json)
                        select date_trunc('day', occurred_at, 'UTC') as day, count(*)
                        from analytics_events
                        where tenant_id = ? and occurred_at >= ? and occurred_at < ?
                        group by 1 order by 1
                        """)) {
            ps.setLong(1, tenant);
            ps.setObject(2, from);
            ps.setObject(3, to);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                JsonNode plan = JsonMapper.builder().build().readTree(rs.getString(1));
                List<String> relations = new ArrayList<>();
                collect(plan, relations);
                return relations.stream().distinct().sorted().toList();
            }
        }
    }

    private static void collect(JsonNode node, List<String> relations) {
        if (node.isObject() && node.has("Relation Name")) {
            relations.add(node.get("Relation Name").asString());
        }
        for (JsonNode child : node) {
            collect(child, relations);
        }
    }
}
