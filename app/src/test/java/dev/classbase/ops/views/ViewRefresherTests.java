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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
    /**
     * Threads of the test's own for the refreshes it leaves running: the common pool has one
     * thread on a 2-core machine, where a second refresh would queue behind the first and never
     * reach the database.
     */
    private static final ExecutorService ASYNC = Executors.newCachedThreadPool();

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
                    CompletableFuture.supplyAsync(() -> refresh(first, "daily_active_users", false), ASYNC);
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
                try (ResultSet rs = r.executeQuery("select count(*) from mv_daily_active_users")) {
                    assertThat(rs.next()).isTrue();
                }
                // proven by the locks, not by a clock: the reader holds its lock on the view, granted,
                // beside the refresh's ExclusiveLock (which admits ACCESS SHARE; PostgreSQL manual,
                // "Table-Level Locks"), and waits on nothing
                int readerPid = backendPid(reader);
                assertThat(viewLocks(readerPid, true))
                        .as("the reader's granted lock on the view")
                        .containsExactly("AccessShareLock");
                assertThat(viewLocks(refreshPid, true)).contains("ExclusiveLock");
                assertThat(ungrantedLocks(readerPid))
                        .as("locks the reader waits on")
                        .isZero();
                reader.rollback();
            }
            assertThat(running).isNotDone();

            // a second runner is skipped at once, with its status
            RefreshResult skipped =
                    second.refresh(List.of("daily_active_users"), false).getFirst();
            assertThat(skipped.outcome()).isEqualTo(Outcome.SKIPPED_RUNNING);
            assertThat(skipped.detail()).contains("running elsewhere");
            // it did not wait for the view's lock: the lock is still the running refresh's
            assertThat(running).isNotDone();
            assertThat(viewLockHolders(true)).containsExactly(refreshPid);
            assertThat(viewLockHolders(false))
                    .as("sessions waiting on the view's lock")
                    .isEmpty();

            // one that asks to wait waits on the view's lock, not on the view: never two refreshes at once
            CompletableFuture<List<RefreshResult>> waiting =
                    CompletableFuture.supplyAsync(() -> refresh(second, "daily_active_users", true), ASYNC);
            List<Integer> waiter = Await.until(Duration.ofSeconds(20), () -> {
                if (waiting.isDone()) {
                    return List.of(); // it ended without waiting: reported below
                }
                List<Integer> pids = viewLockHolders(false);
                return pids.isEmpty() ? null : pids;
            });
            assertThat(waiter)
                    .as("a session waiting on the view's lock: %s; the waiting refresh: %s", locks(), outcome(waiting))
                    .hasSize(1);
            assertThat(waiter.getFirst()).isNotEqualTo(refreshPid);
            assertThat(viewLockHolders(true)).containsExactly(refreshPid);
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
            CompletableFuture<RefreshPass> passA = CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return instanceA.refreshDue();
                        } catch (java.sql.SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    ASYNC);
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

    /**
     * Sessions holding ({@code granted}) or awaiting the view's refresh lock: V41's transaction-level
     * advisory lock on ('cbvv', hashtext(view)), a two-int key (objsubid 2 in pg_locks).
     */
    private static List<Integer> viewLockHolders(boolean granted) {
        return db.sql("""
                        select pid from pg_locks
                        where locktype = 'advisory' and classid = 1667397238
                          and objid = hashtext('mv_daily_active_users')::oid and objsubid = 2
                          and granted = ?
                          and database = (select oid from pg_database where datname = current_database())
                        order by pid
                        """).param(granted).query(Integer.class).list();
    }

    /** The modes a backend holds ({@code granted}) or awaits on the view itself. */
    private static List<String> viewLocks(int pid, boolean granted) {
        return db.sql("""
                        select mode from pg_locks
                        where relation = 'mv_daily_active_users'::regclass and pid = ? and granted = ?
                        order by mode
                        """).param(pid).param(granted).query(String.class).list();
    }

    /** Every lock in the test's database, with its session's wait and query: for failure messages. */
    private static List<java.util.Map<String, Object>> locks() {
        return db.sql("""
                        select l.pid, l.locktype, l.relation::regclass::text as relation, l.classid, l.objid,
                               l.objsubid, l.mode, l.granted, a.wait_event_type, left(a.query, 60) as query
                        from pg_locks as l left join pg_stat_activity as a using (pid)
                        where l.database = (select oid from pg_database where datname = current_database())
                        """).query().listOfRows();
    }

    private static String outcome(CompletableFuture<List<RefreshResult>> refresh) {
        if (!refresh.isDone()) {
            return "still running";
        }
        try {
            return "ended: " + refresh.join();
        } catch (RuntimeException e) {
            return "failed: " + e;
        }
    }

    private static long ungrantedLocks(int pid) {
        return db.sql("select count(*) from pg_locks where pid = ? and not granted")
                .param(pid)
                .query(Long.class)
                .single();
    }

    private static int backendPid(Connection connection) throws java.sql.SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Sessions holding or awaiting the lock that a refresh of the view takes. */
    private static long sessionsOnTheViewsLock() {
        return db.sql("""
                        select count(distinct pid) from pg_locks
                        where relation = 'mv_daily_active_users'::regclass and mode = 'ExclusiveLock'
                        """).query(Long.class).single();
    }
}
