package dev.classbase.ops.partitions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Partition maintenance as the server runs it: logged in as the service role classbase_app, which
 * owns no table, through V65's SECURITY DEFINER functions. Own database, "today" fixed at
 * 2031-03-10 (UTC); the owner lays out the months, the service role maintains them.
 */
class PartitionServiceRoleTests {
    static final String DATABASE = "partitions_service";
    static final Clock TODAY = Clock.fixed(Instant.parse("2031-03-10T12:00:00Z"), ZoneOffset.UTC);

    private static JdbcClient owner;
    private static DataSource service;
    private static JdbcClient serviceDb;
    private static long tenant;

    @BeforeAll
    static void database() {
        TestCluster shared = TestCluster.shared();
        owner = JdbcClient.create(shared.freshDatabase(DATABASE));
        EmbeddedCluster cluster = shared.cluster();
        service = TestCluster.dataSource(cluster.service(cluster.primary()).database(DATABASE));
        serviceDb = JdbcClient.create(service);
        tenant = owner.sql("insert into tenants (name, slug) values ('Service', 'service') returning id")
                .query(Long.class)
                .single();
    }

    private static PartitionManager asService(PartitionProperties properties) {
        return new PartitionManager(service, properties, TODAY);
    }

    @Test
    void theServiceRoleOwnsNoTable() {
        assertThat(serviceDb
                        .sql(
                                "select pg_has_role(relowner, 'USAGE') from pg_class where oid = 'analytics_events'::regclass")
                        .query(Boolean.class)
                        .single())
                .isFalse();
    }

    @Test
    void premakesMonthsAndMovesDefaultRows() throws SQLException {
        PartitionManagerTests.layout(owner, "analytics_events", LocalDate.of(2030, 10, 1), LocalDate.of(2031, 5, 1));
        owner.sql("""
                        insert into analytics_events (tenant_id, kind, occurred_at)
                        values (?, 'future', ?), (?, 'past', ?), (?, 'ahead', ?)
                        """)
                .params(
                        tenant,
                        at("2034-06-15T10:00:00Z"),
                        tenant,
                        at("2030-02-03T10:00:00Z"),
                        tenant,
                        at("2031-06-04T10:00:00Z"))
                .update();

        MaintenanceReport report = asService(PartitionProperties.defaults()).maintain();

        assertThat(report.outcome()).as(report.toString()).isEqualTo(Outcome.DONE);
        MaintenanceReport.TableReport events = table(report, "analytics_events");
        assertThat(events.movedFromDefault()).isEqualTo(3);
        // the ahead window (through July 2031) and the months of the three stray rows
        assertThat(events.created())
                .containsExactlyInAnyOrder(
                        "analytics_events_p203002",
                        "analytics_events_p203105",
                        "analytics_events_p203106",
                        "analytics_events_p203107",
                        "analytics_events_p203406");
        assertThat(owner.sql("select count(*) from analytics_events_default")
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(owner.sql("select kind || ' ' || tableoid::regclass from analytics_events order by occurred_at")
                        .query(String.class)
                        .list())
                .containsExactly(
                        "past analytics_events_p203002",
                        "ahead analytics_events_p203106",
                        "future analytics_events_p203406");
        // created as the owner, like V6's months: row-level security on, and the service role's grants
        assertThat(owner.sql("""
                        select bool_and(c.relrowsecurity)
                               and bool_and(has_table_privilege('classbase_app', c.oid, 'SELECT, INSERT'))
                        from pg_inherits i join pg_class c on c.oid = i.inhrelid
                        where i.inhparent = 'analytics_events'::regclass
                        """).query(Boolean.class).single()).isTrue();
        assertThat(asService(PartitionProperties.defaults()).maintain().message())
                .isEqualTo("partitions up to date: nothing to do");
    }

    @Test
    void retentionDropsOrArchivesExpiredMonths() throws SQLException {
        PartitionManagerTests.layout(owner, "activity_logs", LocalDate.of(2030, 9, 1), LocalDate.of(2031, 8, 1));
        PartitionManagerTests.layout(owner, "learning_sessions", LocalDate.of(2030, 7, 1), LocalDate.of(2031, 8, 1));

        MaintenanceReport dropped = asService(PartitionProperties.defaults()).maintain();

        assertThat(dropped.outcome()).as(dropped.toString()).isEqualTo(Outcome.DONE);
        // activity_logs keeps 3 months: before 2030-12-10, September to November 2030 go
        assertThat(table(dropped, "activity_logs").expired())
                .containsExactly("activity_logs_p203009", "activity_logs_p203010", "activity_logs_p203011");
        assertThat(PartitionManagerTests.months(owner, "activity_logs").getFirst())
                .isEqualTo("activity_logs_p203012");
        assertThat(owner.sql("select to_regclass('activity_logs_p203011') is null")
                        .query(Boolean.class)
                        .single())
                .isTrue();

        PartitionProperties archive = new PartitionProperties(
                4, Map.of("learning-sessions", 6), RetentionAction.ARCHIVE, "archive", Duration.ofSeconds(5));
        MaintenanceReport archived = asService(archive).maintain();

        assertThat(archived.outcome()).as(archived.toString()).isEqualTo(Outcome.DONE);
        assertThat(table(archived, "learning_sessions").expired())
                .containsExactly("learning_sessions_p203007", "learning_sessions_p203008");
        assertThat(owner.sql("select to_regclass('archive.learning_sessions_p203008') is not null")
                        .query(Boolean.class)
                        .single())
                .isTrue();
    }

    @Test
    void statusCountsDefaultRowsThroughRowLevelSecurity() throws SQLException {
        owner.sql("delete from behavioral_indicators_default").update();
        long user = owner.sql("""
                        insert into users (tenant_id, email, full_name, role, password_hash)
                        values (?, 'status@example.org', 'Status', 'student', 'x') returning id
                        """).param(tenant).query(Long.class).single();
        owner.sql("""
                        insert into behavioral_indicators (tenant_id, user_id, indicator, value, recorded_at)
                        values (?, ?, 'focus', 1, '1999-01-01T00:00:00Z'), (?, ?, 'focus', 2, '1999-02-01T00:00:00Z')
                        """).params(tenant, user, tenant, user).update();
        // what the service role sees by naming the partition: nothing (V6)
        assertThat(serviceDb
                        .sql("select count(*) from behavioral_indicators_default")
                        .query(Long.class)
                        .single())
                .isZero();

        PartitionStatus status = asService(PartitionProperties.defaults()).status().stream()
                .filter(s -> s.table().equals("behavioral_indicators"))
                .findFirst()
                .orElseThrow();

        assertThat(status.defaultPartition()).isEqualTo("behavioral_indicators_default");
        assertThat(status.defaultRows()).isEqualTo(2);
    }

    @Test
    void theFunctionsAcceptOnlyTheManagedTablesAndTheirMonths() {
        assertThatThrownBy(() -> serviceDb
                        .sql("select classbase_partition_ensure('users', date '2031-01-01', date '2031-02-01')")
                        .query(Integer.class)
                        .single())
                .rootCause()
                .hasMessageContaining("not a table partition maintenance manages: users");
        assertThatThrownBy(() -> serviceDb
                        .sql("select classbase_partition_retire('analytics_events', 'users', null)")
                        .query(String.class)
                        .single())
                .rootCause()
                .hasMessageContaining("not a month of analytics_events");
        assertThatThrownBy(() -> serviceDb
                        .sql("select classbase_partition_retire('analytics_events', 'analytics_events_default', null)")
                        .query(String.class)
                        .single())
                .rootCause()
                .hasMessageContaining("not a month of analytics_events");
        assertThatThrownBy(() -> serviceDb
                        .sql(
                                "select classbase_partition_ensure('analytics_events', date '2031-01-01', date '2041-01-01')")
                        .query(Integer.class)
                        .single())
                .rootCause()
                .hasMessageContaining("at most 60 months");
        assertThatThrownBy(() -> serviceDb
                        .sql("select classbase_partition_default_rows('tenants')")
                        .query(Long.class)
                        .single())
                .rootCause()
                .hasMessageContaining("not a table partition maintenance manages");
        // the owner-only pieces stay owner-only: V2's function runs as the caller, who may not create tables
        assertThatThrownBy(() -> serviceDb
                        .sql(
                                "select classbase_ensure_monthly_partitions('analytics_events'::regclass, date '2040-01-01', date '2040-02-01')")
                        .query(Integer.class)
                        .single())
                .rootCause()
                .hasMessageContaining("permission denied");
        assertThatThrownBy(() -> serviceDb
                        .sql("select classbase_partition_parent('analytics_events')")
                        .query(String.class)
                        .single())
                .rootCause()
                .hasMessageContaining("permission denied");
    }

    @Test
    void theJobMaintainsAndRecordsSuccess() throws SQLException {
        PartitionManagerTests.layout(owner, "assessment_attempts", null, null);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PartitionMaintenanceJob job = new PartitionMaintenanceJob(asService(PartitionProperties.defaults()), registry);

        MaintenanceReport report = job.run();

        assertThat(report.outcome()).as(report.toString()).isEqualTo(Outcome.DONE);
        assertThat(PartitionManagerTests.months(owner, "assessment_attempts"))
                .containsExactly(
                        "assessment_attempts_p203103",
                        "assessment_attempts_p203104",
                        "assessment_attempts_p203105",
                        "assessment_attempts_p203106",
                        "assessment_attempts_p203107");
        assertThat(registry.get("classbase.partitions.last_success").gauge().value())
                .isPositive();
        assertThat(registry.get("classbase.partitions.duration")
                        .tag("outcome", "done")
                        .timer()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void isANoOpOnAReplica() throws Exception {
        EmbeddedCluster cluster = TestCluster.shared().cluster();
        DataSource replica = TestCluster.dataSource(
                cluster.service(cluster.replicas().getFirst()).database(DATABASE));
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
    void aRoleWithoutTheGrantIsToldToUseTheCommandLine() throws SQLException {
        owner.sql("revoke execute on function classbase_partition_ensure(text, date, date) from classbase_app")
                .update();
        try {
            MaintenanceReport report = asService(PartitionProperties.defaults()).maintain();

            assertThat(report.outcome()).isEqualTo(Outcome.SKIPPED_NOT_OWNER);
            assertThat(report.message()).contains("V65").contains("./classbase partitions maintain");
        } finally {
            owner.sql("grant execute on function classbase_partition_ensure(text, date, date) to classbase_app")
                    .update();
        }
    }

    private static MaintenanceReport.TableReport table(MaintenanceReport report, String name) {
        List<MaintenanceReport.TableReport> tables =
                report.tables().stream().filter(t -> t.table().equals(name)).toList();
        assertThat(tables).as(report.toString()).hasSize(1);
        return tables.getFirst();
    }

    private static OffsetDateTime at(String instant) {
        return OffsetDateTime.parse(instant);
    }
}
