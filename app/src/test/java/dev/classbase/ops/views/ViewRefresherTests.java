package dev.classbase.ops.views;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.ops.views.RefreshResult.Outcome;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Refreshing: the first refresh populates, later ones are concurrent; readers are never blocked;
 * two refreshes of one view never run at once; one pass runner per cluster. A refresh is held
 * "running" by a transaction that locks a table the view reads (ACCESS EXCLUSIVE on users): the
 * refresh has taken its view's lock and waits inside its query, as a long refresh would.
 */
class ViewRefresherTests {
    private static final String DATABASE = "views_refresher";
    private static DataSource primary;
    private static JdbcClient db;

    @BeforeAll
    static void database() {
        primary = TestCluster.shared().freshDatabase(DATABASE);
        db = JdbcClient.create(primary);
    }

    private static ViewRefresher instance(Clock clock) {
        return new ViewRefresher(primary, ViewProperties.defaults(), clock);
    }

    @Test
    void theFirstRefreshPopulatesAndLaterOnesAreConcurrent() throws Exception {
        ViewRefresher refresher = instance(Clock.systemUTC());
        assertThat(populated("mv_content_metrics")).isFalse();
        RefreshResult first =
                refresher.refresh(List.of("content_metrics"), false).getFirst();
        assertThat(first.outcome()).isEqualTo(Outcome.REFRESHED);
        assertThat(first.concurrently()).isFalse();
        assertThat(first.detail()).contains("populated");
        assertThat(populated("mv_content_metrics")).isTrue();
        RefreshResult second =
                refresher.refresh(List.of("mv_content_metrics"), false).getFirst();
        assertThat(second.outcome()).isEqualTo(Outcome.REFRESHED);
        assertThat(second.concurrently()).isTrue();
        assertThat(db.sql("select last_outcome from materialized_view_refreshes where view_name = 'mv_content_metrics'")
                        .query(String.class)
                        .single())
                .isEqualTo("refreshed");
    }

    @Test
    void readersGetThroughARunningRefreshAndASecondRefreshIsSkippedOrWaits() throws Exception {
        ViewRefresher first = instance(Clock.systemUTC());
        ViewRefresher second = instance(Clock.systemUTC());
        first.refresh(List.of("daily_active_users"), true); // populated: the next one is concurrent
        try (Connection blocker = primary.getConnection();
                Statement b = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            b.execute("lock table users in access exclusive mode");
            CompletableFuture<List<RefreshResult>> running =
                    CompletableFuture.supplyAsync(() -> refresh(first, "daily_active_users", false));
            Integer refreshPid = Await.until(Duration.ofSeconds(20), () -> refreshHoldingTheView());
            assertThat(refreshPid)
                    .as("a refresh holds mv_daily_active_users and waits inside its query: "
                            + db.sql(
                                            "select l.pid, l.locktype, l.relation::regclass::text, l.mode, l.granted, a.wait_event_type, left(a.query, 60) "
                                                    + "from pg_locks l left join pg_stat_activity a using (pid) where l.database = (select oid from pg_database where datname = current_database())")
                                    .query()
                                    .listOfRows())
                    .isNotNull();

            // a reader in another transaction is not blocked: it completes while the refresh runs
            try (Connection reader = primary.getConnection();
                    Statement r = reader.createStatement()) {
                reader.setAutoCommit(false);
                r.execute("set local lock_timeout = '2s'");
                long started = System.nanoTime();
                try (ResultSet rs = r.executeQuery("select count(*) from mv_daily_active_users")) {
                    assertThat(rs.next()).isTrue();
                }
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
                reader.rollback();
            }
            assertThat(running).isNotDone();

            // a second runner is skipped at once, with its status
            RefreshResult skipped =
                    second.refresh(List.of("daily_active_users"), false).getFirst();
            assertThat(skipped.outcome()).isEqualTo(Outcome.SKIPPED_RUNNING);
            assertThat(skipped.detail()).contains("running elsewhere");
            assertThat(skipped.took()).isLessThan(Duration.ofSeconds(5));

            // one that asks to wait waits on the view's lock, not on the view: never two refreshes at once
            CompletableFuture<List<RefreshResult>> waiting =
                    CompletableFuture.supplyAsync(() -> refresh(second, "daily_active_users", true));
            Thread.sleep(500);
            assertThat(waiting).isNotDone();
            assertThat(sessionsOnTheViewsLock()).isEqualTo(1);
            blocker.rollback();

            assertThat(running.get(30, TimeUnit.SECONDS).getFirst()).satisfies(r -> {
                assertThat(r.outcome()).isEqualTo(Outcome.REFRESHED);
                assertThat(r.concurrently()).isTrue();
            });
            assertThat(waiting.get(30, TimeUnit.SECONDS).getFirst().outcome()).isEqualTo(Outcome.REFRESHED);
        }
    }

    @Test
    void onePassRunnerPerCluster() throws Exception {
        // a day later every view is due
        Clock tomorrow = Clock.offset(Clock.systemUTC(), Duration.ofDays(1));
        ViewRefresher instanceA = instance(tomorrow);
        ViewRefresher instanceB = instance(tomorrow);
        try (Connection blocker = primary.getConnection();
                Statement b = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            b.execute("lock table users in access exclusive mode");
            CompletableFuture<RefreshPass> passA = CompletableFuture.supplyAsync(() -> {
                try {
                    return instanceA.refreshDue();
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(Await.until(Duration.ofSeconds(20), () -> refreshHoldingTheView()))
                    .isNotNull();
            RefreshPass passB = instanceB.refreshDue();
            assertThat(passB.outcome()).isEqualTo(RefreshPass.Outcome.SKIPPED_LOCKED);
            assertThat(passB.message()).contains("another instance").contains("nothing done");
            assertThat(passB.views()).isEmpty();
            blocker.rollback();
            RefreshPass a = passA.get(60, TimeUnit.SECONDS);
            assertThat(a.outcome()).isEqualTo(RefreshPass.Outcome.RAN);
            assertThat(a.views())
                    .extracting(RefreshResult::view)
                    .containsExactlyElementsOf(ViewRegistry.STANDARD.names());
            assertThat(a.views()).extracting(RefreshResult::outcome).containsOnly(Outcome.REFRESHED);
        }
        // the lock is released with the pass, and the views are fresh now
        RefreshPass again = instance(Clock.systemUTC()).refreshDue();
        assertThat(again.outcome()).isEqualTo(RefreshPass.Outcome.RAN);
        assertThat(again.message()).isEqualTo("views up to date: nothing to do");
    }

    @Test
    void anUnknownViewIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> instance(Clock.systemUTC()).refresh(List.of("mv_nope"), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no materialized view 'mv_nope'")
                .hasMessageContaining("mv_daily_active_users");
    }

    private static List<RefreshResult> refresh(ViewRefresher refresher, String view, boolean wait) {
        try {
            return refresher.refresh(List.of(view), wait);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean populated(String view) {
        return db.sql("select relispopulated from pg_class where oid = ?::regclass")
                .param(view)
                .query(Boolean.class)
                .single();
    }

    /**
     * The backend that holds the view's refresh lock (ExclusiveLock when concurrent, AccessExclusiveLock
     * for the first, populating one) while waiting for a lock on a table.
     */
    private static Integer refreshHoldingTheView() {
        return db.sql("""
                        select distinct l.pid
                        from pg_locks as l
                        join pg_stat_activity as a on a.pid = l.pid
                        where l.relation = 'mv_daily_active_users'::regclass and l.granted
                          and l.mode in ('ExclusiveLock', 'AccessExclusiveLock')
                          and a.wait_event_type = 'Lock'
                        """).query(Integer.class).optional().orElse(null);
    }

    /** Sessions holding or awaiting the lock that a refresh of the view takes. */
    private static long sessionsOnTheViewsLock() {
        return db.sql("""
                        select count(distinct pid) from pg_locks
                        where relation = 'mv_daily_active_users'::regclass and mode = 'ExclusiveLock'
                        """).query(Long.class).single();
    }
}
