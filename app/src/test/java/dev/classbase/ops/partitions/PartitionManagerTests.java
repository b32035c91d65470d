package dev.classbase.ops.partitions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.ops.partitions.MaintenanceReport.Outcome;
import dev.classbase.ops.partitions.PartitionProperties.RetentionAction;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Partition maintenance on a database of its own, with "today" fixed at 2031-03-10 (UTC) so
 * nothing depends on the date the tests run. Each test first lays out the months it asserts on.
 */
class PartitionManagerTests {
    static final String DATABASE = "partitions_manager";
    static final Clock TODAY = Clock.fixed(Instant.parse("2031-03-10T12:00:00Z"), ZoneOffset.UTC);

    private static DataSource primary;
    private static JdbcClient db;
    private static long tenant;

    @BeforeAll
    static void database() {
        primary = TestCluster.shared().freshDatabase(DATABASE);
        db = JdbcClient.create(primary);
        tenant = db.sql("insert into tenants (name, slug) values ('Partitions', 'partitions') returning id")
                .query(Long.class)
                .single();
    }

    private static PartitionManager manager(PartitionProperties properties) {
        return new PartitionManager(primary, properties, TODAY);
    }

    /** Drops every month of the table (and empties its default), then creates [from, to). */
    static void layout(JdbcClient db, String table, LocalDate from, LocalDate to) {
        db.sql("delete from " + table + "_default").update();
        for (String month : months(db, table)) {
            db.sql("drop table " + month).update();
        }
        if (from != null) {
            db.sql("select classbase_ensure_monthly_partitions(?::regclass, ?, ?)")
                    .params(table, from, to)
                    .query(Integer.class)
                    .single();
        }
    }

    static List<String> months(JdbcClient db, String table) {
        return db.sql("""
                        select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
                        where i.inhparent = ?::regclass and c.relname like ? order by c.relname
                        """).params(table, table + "\\_p%").query(String.class).list();
    }

    private static List<String> monthNames(String table, String fromYyyymm, String toYyyymm) {
        List<String> names = new ArrayList<>();
        LocalDate m = LocalDate.parse(fromYyyymm + "01", java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
        LocalDate end = LocalDate.parse(toYyyymm + "01", java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
        for (; !m.isAfter(end); m = m.plusMonths(1)) {
            names.add(table + "_p" + m.format(java.time.format.DateTimeFormatter.ofPattern("yyyyMM")));
        }
        return names;
    }

    @Test
    void keepsTheCurrentMonthAndFourAheadReady() throws SQLException {
        layout(db, "analytics_events", null, null);
        layout(db, "assessment_attempts", null, null);

        MaintenanceReport report = manager(PartitionProperties.defaults()).maintain();

        assertThat(report.outcome()).as(report.toString()).isEqualTo(Outcome.DONE);
        assertThat(months(db, "analytics_events")).isEqualTo(monthNames("analytics_events", "203103", "203107"));
        assertThat(months(db, "assessment_attempts")).isEqualTo(monthNames("assessment_attempts", "203103", "203107"));
        assertThat(report.tables())
                .filteredOn(t -> t.table().equals("analytics_events"))
                .singleElement()
                .satisfies(t -> assertThat(t.created()).hasSize(5));

        MaintenanceReport again = manager(PartitionProperties.defaults()).maintain();
        assertThat(again.outcome()).isEqualTo(Outcome.DONE);
        assertThat(again.message()).isEqualTo("partitions up to date: nothing to do");
    }

    @Test
    void retentionDetachesExactlyTheExpiredMonths() throws SQLException {
        LocalDate from = LocalDate.of(2029, 1, 1);
        LocalDate to = LocalDate.of(2031, 8, 1);
        layout(db, "analytics_events", from, to);
        layout(db, "activity_logs", from, to);
        db.sql("insert into analytics_events (tenant_id, kind, occurred_at) values (?, 'view', ?), (?, 'view', ?)")
                .params(tenant, at("2029-08-31T23:59:59Z"), tenant, at("2029-09-01T00:00:00Z"))
                .update();

        MaintenanceReport report = manager(PartitionProperties.defaults()).maintain();

        assertThat(report.outcome()).as(report.toString()).isEqualTo(Outcome.DONE);
        // 18 months before 2031-03-10 is 2029-09-10: August 2029 ends before it, September does not
        assertThat(expired(report, "analytics_events")).isEqualTo(monthNames("analytics_events", "202901", "202908"));
        assertThat(months(db, "analytics_events")).isEqualTo(monthNames("analytics_events", "202909", "203107"));
        // 3 months before is 2030-12-10: November 2030 is the last month to go
        assertThat(expired(report, "activity_logs")).isEqualTo(monthNames("activity_logs", "202901", "203011"));
        assertThat(months(db, "activity_logs")).isEqualTo(monthNames("activity_logs", "203012", "203107"));
        assertThat(db.sql("select to_regclass('analytics_events_p202908') is null")
                        .query(Boolean.class)
                        .single())
                .as("dropped")
                .isTrue();
        assertThat(db.sql("select count(*) from analytics_events")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(manager(PartitionProperties.defaults()).maintain().message())
                .isEqualTo("partitions up to date: nothing to do");
    }

    @Test
    void retentionCanArchiveInsteadOfDropping() throws SQLException {
        layout(db, "learning_sessions", LocalDate.of(2030, 6, 1), LocalDate.of(2031, 8, 1));
        long user = db.sql("""
                        insert into users (tenant_id, email, full_name, role, password_hash)
                        values (?, 'archived@example.org', 'Archived', 'student', 'x') returning id
                        """).param(tenant).query(Long.class).single();
        db.sql("insert into learning_sessions (tenant_id, user_id, start_time) values (?, ?, ?)")
                .params(tenant, user, at("2030-07-15T08:00:00Z"))
                .update();
        PartitionProperties archive = new PartitionProperties(
                4, Map.of("learning-sessions", 6), RetentionAction.ARCHIVE, "archive", Duration.ofSeconds(5));

        MaintenanceReport report = manager(archive).maintain();

        assertThat(report.outcome()).as(report.toString()).isEqualTo(Outcome.DONE);
        // 6 months before 2031-03-10 is 2030-09-10: June, July, August 2030 go
        assertThat(expired(report, "learning_sessions")).isEqualTo(monthNames("learning_sessions", "203006", "203008"));
        assertThat(db.sql("select count(*) from archive.learning_sessions_p203007")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(db.sql("select count(*) from learning_sessions")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void rowsInTheDefaultPartitionAreMovedAndMaintenanceGoesOn() throws SQLException {
        layout(db, "analytics_events", LocalDate.of(2030, 10, 1), LocalDate.of(2031, 7, 1));
        // far future, before the first month, and a month of the ahead window not created yet:
        // all three land in the default partition, none is rejected
        db.sql("""
                        insert into analytics_events (tenant_id, kind, occurred_at)
                        values (?, 'future', ?), (?, 'past', ?), (?, 'ahead', ?)
                        """)
                .params(
                        tenant,
                        at("2034-06-15T10:00:00Z"),
                        tenant,
                        at("2030-02-03T10:00:00Z"),
                        tenant,
                        at("2031-07-04T10:00:00Z"))
                .update();
        assertThat(db.sql("select count(*) from analytics_events_default")
                        .query(Long.class)
                        .single())
                .isEqualTo(3);

        MaintenanceReport report = manager(PartitionProperties.defaults()).maintain();

        assertThat(report.outcome()).as(report.toString()).isEqualTo(Outcome.DONE);
        MaintenanceReport.TableReport events = report.tables().stream()
                .filter(t -> t.table().equals("analytics_events"))
                .findFirst()
                .orElseThrow();
        assertThat(events.movedFromDefault()).isEqualTo(3);
        assertThat(events.created())
                .contains("analytics_events_p203406", "analytics_events_p203002", "analytics_events_p203107");
        assertThat(db.sql("select count(*) from analytics_events_default")
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(db.sql("select kind || ' ' || tableoid::regclass from analytics_events order by occurred_at")
                        .query(String.class)
                        .list())
                .containsExactly(
                        "past analytics_events_p203002",
                        "ahead analytics_events_p203107",
                        "future analytics_events_p203406");
    }

    @Test
    void isANoOpOnAReplica() throws Exception {
        EmbeddedCluster cluster = TestCluster.shared().cluster();
        DataSource replica =
                TestCluster.dataSource(cluster.replicas().getFirst().database(DATABASE));
        // the database was created on the primary moments ago: wait until the replica has it
        Await.until(Duration.ofSeconds(30), () -> {
            try (Connection c = replica.getConnection()) {
                return true;
            } catch (SQLException e) {
                return null;
            }
        });

        MaintenanceReport report = new PartitionManager(replica, PartitionProperties.defaults(), TODAY).maintain();

        assertThat(report.outcome()).isEqualTo(Outcome.SKIPPED_REPLICA);
        assertThat(report.message()).contains("replica").contains("nothing done");
        assertThat(report.tables()).isEmpty();
    }

    @Test
    void oneInstanceAtATime() throws SQLException {
        try (Connection other = primary.getConnection();
                var lock = other.prepareStatement("select pg_advisory_lock(?)")) {
            lock.setLong(1, PartitionQueries.LOCK_KEY);
            lock.execute();

            MaintenanceReport report = manager(PartitionProperties.defaults()).maintain();

            assertThat(report.outcome()).isEqualTo(Outcome.SKIPPED_LOCKED);
            assertThat(report.message()).contains("another instance");
        }
    }

    @Test
    void theJobRecordsLastSuccessAndDuration() throws SQLException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PartitionMaintenanceJob job = new PartitionMaintenanceJob(manager(PartitionProperties.defaults()), registry);

        assertThat(job.run().outcome()).isEqualTo(Outcome.DONE);

        assertThat(registry.get("classbase.partitions.last_success").gauge().value())
                .isPositive();
        assertThat(registry.get("classbase.partitions.duration")
                        .tag("outcome", "done")
                        .timer()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void statusReportsEveryPartitionedTableHashOnesToo() throws SQLException {
        List<PartitionStatus> status = manager(PartitionProperties.defaults()).status();

        assertThat(status)
                .extracting(PartitionStatus::table)
                .contains(
                        "analytics_events",
                        "activity_logs",
                        "learning_sessions",
                        "behavioral_indicators",
                        "assessment_attempts",
                        "progress",
                        "user_sessions");
        PartitionStatus progress = status.stream()
                .filter(s -> s.table().equals("progress"))
                .findFirst()
                .orElseThrow();
        assertThat(progress.strategy()).isEqualTo("hash");
        assertThat(progress.partitions()).hasSize(16);
        assertThat(progress.partitions().getFirst().bound()).contains("modulus 16");
        PartitionStatus events = status.stream()
                .filter(s -> s.table().equals("analytics_events"))
                .findFirst()
                .orElseThrow();
        assertThat(events.defaultPartition()).isEqualTo("analytics_events_default");
        assertThat(events.defaultRows()).isNotNull();
        assertThat(events.partitions())
                .filteredOn(p -> p.from() != null)
                .allSatisfy(p -> assertThat(p.to()).isAfter(p.from()));
    }

    private static List<String> expired(MaintenanceReport report, String table) {
        return report.tables().stream()
                .filter(t -> t.table().equals(table))
                .findFirst()
                .orElseThrow()
                .expired();
    }

    private static OffsetDateTime at(String instant) {
        return OffsetDateTime.parse(instant);
    }
}
