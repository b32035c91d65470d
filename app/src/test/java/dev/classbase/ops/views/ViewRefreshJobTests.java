package dev.classbase.ops.views;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestCluster;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The scheduled job: refreshes what is due, records metrics, and does nothing on a replica. */
class ViewRefreshJobTests {
    private static final String DATABASE = "views_job";
    private static DataSource primary;

    @BeforeAll
    static void database() {
        primary = TestCluster.shared().freshDatabase(DATABASE);
    }

    private static ViewRefreshJob job(DataSource dataSource, MeterRegistry registry) {
        return new ViewRefreshJob(
                new ViewRefresher(dataSource, ViewProperties.defaults(), Clock.systemUTC()),
                ViewProperties.defaults(),
                registry,
                Clock.systemUTC());
    }

    @Test
    void refreshesWhatIsDueAndRecordsLastSuccessDurationAndStaleness() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        ViewRefreshJob job = job(primary, registry);
        for (String view : ViewRegistry.STANDARD.names()) {
            assertThat(registry.get("classbase.views.last_success")
                            .tag("view", view)
                            .gauge()
                            .value())
                    .isZero();
            assertThat(registry.get("classbase.views.staleness")
                            .tag("view", view)
                            .gauge()
                            .value())
                    .isNaN();
        }
        RefreshPass first = job.run();
        assertThat(first.outcome()).isEqualTo(RefreshPass.Outcome.RAN);
        assertThat(first.views()).extracting(RefreshResult::outcome).containsOnly(RefreshResult.Outcome.REFRESHED);
        long now = System.currentTimeMillis() / 1000;
        for (String view : ViewRegistry.STANDARD.names()) {
            assertThat(registry.get("classbase.views.last_success")
                            .tag("view", view)
                            .gauge()
                            .value())
                    .isBetween(now - 120.0, now + 1.0);
            assertThat(registry.get("classbase.views.staleness")
                            .tag("view", view)
                            .gauge()
                            .value())
                    .isBetween(0.0, 120.0);
            assertThat(registry.get("classbase.views.refresh")
                            .tag("view", view)
                            .tag("outcome", "refreshed")
                            .timer()
                            .count())
                    .isEqualTo(1);
        }
        // a dependent view is as old as the view it reads
        assertThat(registry.get("classbase.views.staleness")
                        .tag("view", "mv_daily_platform_metrics")
                        .gauge()
                        .value())
                .isGreaterThanOrEqualTo(registry.get("classbase.views.staleness")
                                .tag("view", "mv_daily_active_users")
                                .gauge()
                                .value()
                        - 0.5);

        RefreshPass second = job.run();
        assertThat(second.message()).isEqualTo("views up to date: nothing to do");
        assertThat(second.views()).extracting(RefreshResult::outcome).containsOnly(RefreshResult.Outcome.FRESH);
    }

    @Test
    void doesNothingOnAReplica() throws Exception {
        DataSource replica = TestCluster.dataSource(
                TestCluster.shared().cluster().replicas().getFirst().database(DATABASE));
        // the database was created on the primary moments ago: wait until the replica has it
        Await.until(Duration.ofSeconds(30), () -> {
            try (Connection c = replica.getConnection()) {
                return JdbcClient.create(replica)
                                .sql("select to_regclass('materialized_view_refreshes') is not null")
                                .query(Boolean.class)
                                .single()
                        ? Boolean.TRUE
                        : null;
            } catch (Exception e) {
                return null;
            }
        });
        MeterRegistry registry = new SimpleMeterRegistry();
        RefreshPass pass = job(replica, registry).run();
        assertThat(pass.outcome()).isEqualTo(RefreshPass.Outcome.SKIPPED_REPLICA);
        assertThat(pass.message()).contains("replica").contains("nothing done");
        assertThat(pass.views()).isEmpty();
        assertThat(registry.find("classbase.views.refresh").timers()).isEmpty();
        // and a refresh asked of a replica by hand says so, per view
        assertThat(new ViewRefresher(replica, ViewProperties.defaults(), Clock.systemUTC())
                        .refresh(java.util.List.of(), false))
                .extracting(RefreshResult::outcome)
                .containsOnly(RefreshResult.Outcome.SKIPPED_REPLICA);
    }
}
