package dev.classbase.platform.dashboard;

import dev.classbase.ops.rollups.RollupProperties;
import dev.classbase.ops.rollups.Rollups;
import dev.classbase.ops.views.ViewProperties;
import dev.classbase.ops.views.ViewRefresher;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import dev.classbase.web.auth.Caller;
import dev.classbase.web.auth.Role;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The demo district with its rollups run and its views refreshed, on every replica too. */
final class DashboardFixture {
    static final TestApp APP = TestApp.shared();
    static final JdbcClient OWNER = JdbcClient.create(TestCluster.shared().primaryDataSource());

    private DashboardFixture() {}

    static synchronized void ready() throws Exception {
        // wait: the shared server's jobs may be running the same right now
        new ViewRefresher(TestCluster.shared().primaryDataSource(), ViewProperties.defaults(), Clock.systemUTC())
                .refresh(List.of(), true);
        Rollups rollups = new Rollups(TestCluster.shared().primaryDataSource(), RollupProperties.defaults());
        Await.until(Duration.ofSeconds(30), () -> {
            try {
                rollups.run(false);
                return rollups.status().initialized() ? true : null;
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        for (int i = 0; i < TestCluster.shared().cluster().replicas().size(); i++) {
            JdbcClient replica = JdbcClient.create(TestCluster.shared().replicaDataSource(i));
            Await.until(
                    Duration.ofSeconds(30),
                    () -> replica.sql("select 1 from rollup_state where initialized and exists (select 1 from "
                                    + "materialized_view_refreshes where view_name = 'mv_instructor_performance')")
                            .query(Integer.class)
                            .optional()
                            .orElse(null));
        }
    }

    static Caller caller(String email) {
        return OWNER.sql("select tenant_id, id, role from users where lower(email) = lower(?)")
                .param(email)
                .query((rs, n) -> new Caller(rs.getLong(1), rs.getLong(2), Role.fromDb(rs.getString(3)), email))
                .single();
    }
}
