package dev.classbase.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * (b) Keeping the event-driven dashboards fresh after the same batch of new events: one
 * incremental rollup run ({@code classbase_run_rollups()}, which drains the inbox the batch's
 * statements filled) against a full {@code REFRESH MATERIALIZED VIEW CONCURRENTLY} of the two views
 * it replaces, mv_daily_active_users and mv_daily_platform_metrics (which reads the first). The
 * rollup runs are timed back to back, a batch before each; then the refreshes, each after a batch of
 * its own; afterwards the rollups must equal the views.
 */
final class AnalyticsRefresh {

    record Result(
            long historyEvents, AnalyticsTimings rollup, AnalyticsTimings activeUsers, AnalyticsTimings platform) {
        AnalyticsTimings fullRefresh() {
            return new AnalyticsTimings(
                    activeUsers.p50Ms() + platform.p50Ms(), activeUsers.p99Ms() + platform.p99Ms(), activeUsers.runs());
        }
    }

    /** Rows of the rollups that the views do not have, and the other way round: 0 when they agree. */
    static final String DIFFERENCES = """
            select (select count(*) from (
                        select tenant_id, day, active_users, active_teachers, active_students
                        from rollup_daily_activity where active_users > 0
                        except
                        select tenant_id, day, active_users, active_teachers, active_students
                        from mv_daily_active_users) as a)
                 + (select count(*) from (
                        select tenant_id, day, active_users, active_teachers, active_students
                        from mv_daily_active_users
                        except
                        select tenant_id, day, active_users, active_teachers, active_students
                        from rollup_daily_activity) as b)
                 + (select count(*) from (
                        select tenant_id, day, events, actions from rollup_daily_activity
                        except
                        select tenant_id, day, events, actions from mv_daily_platform_metrics) as c)
                 + (select count(*) from (
                        select tenant_id, day, events, actions from mv_daily_platform_metrics
                        where events > 0 or actions > 0
                        except
                        select tenant_id, day, events, actions from rollup_daily_activity) as d)
            """;

    private AnalyticsRefresh() {}

    /** Populates the two views (a plain REFRESH: concurrently needs a populated view), untimed. */
    static void populate(DataSource owner) throws SQLException {
        try (Connection c = owner.getConnection();
                Statement s = c.createStatement()) {
            for (String view : List.of("mv_daily_active_users", "mv_daily_platform_metrics")) {
                boolean populated;
                try (ResultSet rs =
                        s.executeQuery("select relispopulated from pg_class where oid = '" + view + "'::regclass")) {
                    rs.next();
                    populated = rs.getBoolean(1);
                }
                s.execute("refresh materialized view " + (populated ? "concurrently " : "") + view);
            }
        }
    }

    static Result run(DataSource owner, AnalyticsData data, long historyEvents, long batch, int repetitions)
            throws SQLException {
        List<Long> rollup = new ArrayList<>();
        List<Long> activeUsers = new ArrayList<>();
        List<Long> platform = new ArrayList<>();
        try (Connection c = owner.getConnection();
                Statement s = c.createStatement()) {
            // the rollup runs first, back to back (a batch before each): with rollups there is no
            // full refresh, so a run never follows one that pushed its tables out of the cache
            for (int i = 0; i < repetitions; i++) {
                data.batch(batch);
                rollup.add(timedRollup(s));
            }
            // then the full refreshes, each after its own batch (drained by an untimed rollup run)
            for (int i = 0; i < repetitions; i++) {
                data.batch(batch);
                timedRollup(s);
                long started = System.nanoTime();
                s.execute("refresh materialized view concurrently mv_daily_active_users");
                activeUsers.add(System.nanoTime() - started);
                started = System.nanoTime();
                s.execute("refresh materialized view concurrently mv_daily_platform_metrics");
                platform.add(System.nanoTime() - started);
            }
            try (ResultSet rs = s.executeQuery(DIFFERENCES)) {
                rs.next();
                if (rs.getLong(1) != 0) {
                    throw new IllegalStateException(rs.getLong(1)
                            + " (tenant, day) rows differ between the rollups and the views they replace");
                }
            }
        }
        return new Result(
                historyEvents,
                AnalyticsTimings.of(rollup),
                AnalyticsTimings.of(activeUsers),
                AnalyticsTimings.of(platform));
    }

    /** One incremental rollup run, which must drain the batch; nanoseconds. */
    private static long timedRollup(Statement s) throws SQLException {
        long started = System.nanoTime();
        try (ResultSet rs = s.executeQuery("select r_outcome, r_rows from classbase_run_rollups()")) {
            rs.next();
            if (!rs.getString(1).equals("ran") || rs.getLong(2) == 0) {
                throw new IllegalStateException(
                        "the rollup run did not drain the batch: " + rs.getString(1) + ", " + rs.getLong(2));
            }
        }
        return System.nanoTime() - started;
    }
}
