package dev.classbase.ops.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.cluster.Endpoint;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * VACUUM, ANALYZE and REINDEX against planted tables, as the owner and as the service role (which
 * may only through PostgreSQL 17's pg_maintain, granted by the embedded cluster's bootstrap).
 */
class MaintenanceTests {
    private static final String DB = "maintenance_tasks";
    private static DataSource owner;
    private static DataSource service;
    private static DataSource superuser;

    @BeforeAll
    static void plant() throws SQLException {
        TestCluster cluster = TestCluster.shared();
        owner = cluster.freshDatabase(DB);
        EmbeddedCluster ec = cluster.cluster();
        service = TestCluster.dataSource(ec.service(ec.primary()).database(DB));
        superuser = TestCluster.dataSource(ec.superuser(ec.primary()).database(DB));
        // autovacuum off on the planted tables, so their dead tuples and changes stay until we act
        exec(owner, """
                create table mt_bloated (id bigint primary key, body text) with (autovacuum_enabled = false);
                insert into mt_bloated select g, repeat('x', 100) from generate_series(1, 10000) g;
                analyze mt_bloated;
                delete from mt_bloated where id <= 5000;
                create table mt_tidy (id bigint primary key, body text) with (autovacuum_enabled = false);
                insert into mt_tidy select g, repeat('x', 100) from generate_series(1, 10000) g;
                analyze mt_tidy;
                delete from mt_tidy where id <= 10;
                create table mt_events (id bigint, at date not null, v int) partition by range (at);
                create table mt_events_1 partition of mt_events for values from ('2026-01-01') to ('2026-02-01')
                    with (autovacuum_enabled = false);
                create table mt_events_2 partition of mt_events for values from ('2026-02-01') to ('2026-03-01')
                    with (autovacuum_enabled = false);
                insert into mt_events select g, date '2026-01-01' + (g % 59), g from generate_series(1, 4000) g;
                create table mt_indexed (id bigint primary key, v int) with (autovacuum_enabled = false);
                insert into mt_indexed select g, g % 100 from generate_series(1, 2000) g;
                create index mt_indexed_v on mt_indexed (v);
                select pg_stat_force_next_flush();
                """);
    }

    private static Maintenance maintenance(DataSource ds, Endpoint login) {
        return new Maintenance(
                ds,
                new Login(login.jdbcUrl(), login.user(), login.password()),
                MaintenanceProperties.defaults(Path.of("target", "maintenance-tests"), 2, null),
                Clock.systemUTC());
    }

    private static Maintenance asOwner() {
        EmbeddedCluster ec = TestCluster.shared().cluster();
        return maintenance(owner, ec.primary().database(DB));
    }

    private static Maintenance asService() {
        EmbeddedCluster ec = TestCluster.shared().cluster();
        return maintenance(service, ec.service(ec.primary()).database(DB));
    }

    @Test
    void vacuumsTheTableOverTheAutovacuumFormulaAndNotTheOneBelowIt() throws Exception {
        // 5,000 dead > 50 + 0.2 × 5,000 live; 10 dead < 50 + 0.2 × 9,990
        List<MaintenanceTarget> dry = asService().candidates(Task.VACUUM);
        assertThat(dry)
                .extracting(MaintenanceTarget::name)
                .contains("mt_bloated")
                .doesNotContain("mt_tidy");
        MaintenanceTarget bloated = dry.stream()
                .filter(c -> c.name().equals("mt_bloated"))
                .findFirst()
                .orElseThrow();
        assertThat(bloated.reason()).contains("5,000 dead tuples > 50 + 0.2 × 5,000 live");
        // the service role owns nothing: pg_maintain is what lets it
        assertThat(bloated.runs()).as(bloated.skip()).isTrue();

        List<Maintenance.TaskRun> runs;
        try (Maintenance.Session session = asService().begin("cli")) {
            runs = session.run(Task.VACUUM, Maintenance.Progress.NONE);
        }
        Maintenance.TaskRun run = runs.getFirst();
        assertThat(run.outcome()).as(run.detail()).isEqualTo("succeeded");
        assertThat(run.items())
                .filteredOn(i -> i.candidate().name().equals("mt_bloated"))
                .singleElement()
                .satisfies(i -> assertThat(i.outcome()).isEqualTo(TargetOutcome.DONE));
        assertThat(Await.until(Duration.ofSeconds(10), () -> vacuumed("mt_bloated") ? true : null))
                .isTrue();
        assertThat(vacuumed("mt_tidy")).isFalse();
        // (whether it stops being a candidate depends on the replicas' hot_standby_feedback horizon:
        // tuples a replica's snapshot may still see are not removable yet)

        Maintenance.Run recorded = asOwner().lastRuns().stream()
                .filter(r -> r.task().equals("vacuum"))
                .findFirst()
                .orElseThrow();
        assertThat(recorded.outcome()).isEqualTo("succeeded");
        assertThat(recorded.processed()).isEqualTo(run.processed()).isPositive();
        assertThat(recorded.lastSuccess()).isNotNull();
    }

    @Test
    void analyzesThePartitionedParentWhichAutovacuumNeverDoes() throws Exception {
        List<MaintenanceTarget> dry = asOwner().candidates(Task.ANALYZE);
        MaintenanceTarget parent = dry.stream()
                .filter(c -> c.name().equals("mt_events"))
                .findFirst()
                .orElseThrow();
        assertThat(parent.kind()).isEqualTo("partitioned table");
        assertThat(parent.reason()).contains("autovacuum never analyzes").contains("never analyzed");
        assertThat(dry)
                .filteredOn(c -> c.name().startsWith("mt_events_"))
                .allSatisfy(c -> assertThat(c.skip()).contains("covered by the ANALYZE of mt_events"));

        try (Maintenance.Session session = asOwner().begin("cli")) {
            Maintenance.TaskRun run =
                    session.run(Task.ANALYZE, Maintenance.Progress.NONE).getFirst();
            assertThat(run.outcome()).as(run.detail()).isEqualTo("succeeded");
        }
        assertThat(scalar("select pg_stat_get_last_analyze_time('mt_events'::regclass) is not null"))
                .isEqualTo("t");
        // ANALYZE of the parent analyzed its partitions too
        assertThat(scalar("select reltuples::bigint from pg_class where relname = 'mt_events_1'"))
                .isNotEqualTo("-1");
        assertThat(asOwner().candidates(Task.ANALYZE))
                .extracting(MaintenanceTarget::name)
                .doesNotContain("mt_events");
    }

    @Test
    void rebuildsAnInvalidIndexConcurrentlyAndItBecomesValid() throws Exception {
        // what a CREATE INDEX CONCURRENTLY that broke off leaves behind: an index the planner ignores
        exec(superuser, "update pg_index set indisvalid = false where indexrelid = 'mt_indexed_v'::regclass");
        List<MaintenanceTarget> dry = asService().candidates(Task.REINDEX);
        MaintenanceTarget invalid = dry.stream()
                .filter(c -> c.name().equals("mt_indexed_v"))
                .findFirst()
                .orElseThrow();
        assertThat(invalid.reason()).startsWith("invalid");
        assertThat(invalid.runs()).as(invalid.skip()).isTrue();

        try (Maintenance.Session session = asService().begin("cli")) {
            Maintenance.TaskRun run =
                    session.run(Task.REINDEX, Maintenance.Progress.NONE).getFirst();
            assertThat(run.items())
                    .filteredOn(i -> i.candidate().name().equals("mt_indexed_v"))
                    .singleElement()
                    .satisfies(i -> assertThat(i.outcome()).as(i.detail()).isEqualTo(TargetOutcome.DONE));
        }
        assertThat(scalar("select indisvalid from pg_index where indexrelid = 'mt_indexed_v'::regclass"))
                .isEqualTo("t");
        assertThat(asOwner().candidates(Task.REINDEX))
                .extracting(MaintenanceTarget::name)
                .doesNotContain("mt_indexed_v");
    }

    @Test
    void aSecondRunIsRefusedWhileOneHoldsTheLock() throws Exception {
        try (Maintenance.Session first = asOwner().begin("cli")) {
            assertThatThrownBy(() -> asService().begin("api"))
                    .isInstanceOf(Maintenance.Busy.class)
                    .hasMessageContaining("in progress");
        }
        asService().begin("api").close();
    }

    @Test
    void aDryRunListsAndChangesNothing() throws Exception {
        exec(owner, """
                create table mt_dry (id bigint primary key) with (autovacuum_enabled = false);
                insert into mt_dry select generate_series(1, 1000);
                delete from mt_dry;
                select pg_stat_force_next_flush();
                """);
        List<Maintenance.TaskRun> runs = asOwner().dryRun(Task.VACUUM, Maintenance.Progress.NONE);
        assertThat(runs.getFirst().outcome()).isEqualTo("dry run");
        assertThat(runs.getFirst().items())
                .filteredOn(i -> i.candidate().name().equals("mt_dry"))
                .singleElement()
                .satisfies(i -> assertThat(i.outcome()).isEqualTo(TargetOutcome.WOULD_RUN));
        assertThat(vacuumed("mt_dry")).isFalse();
    }

    private static boolean vacuumed(String table) {
        try {
            return scalar("select last_vacuum is not null from pg_stat_user_tables where relname = '" + table + "'")
                    .equals("t");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String scalar(String sql) throws SQLException {
        try (Connection c = owner.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void exec(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
