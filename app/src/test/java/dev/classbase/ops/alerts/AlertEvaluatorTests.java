package dev.classbase.ops.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.data.replicas.ReplicaMonitor;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestCluster;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The evaluator on a database of its own (its alert table and runner lock are that database's),
 * as the service role, with a real webhook receiver: alerts fire on real conditions (a statement
 * sleeping on another connection, 5xx answers counted by Micrometer), cool down on a clock the test
 * moves, resolve, survive a restart without firing again, and reach the webhook through failures.
 */
class AlertEvaluatorTests {
    private static final String DATABASE = "alerts_eval";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static DataSource owner;
    private static DataSource service;
    private static WebhookReceiver receiver;
    private static final ExecutorService sleepers = Executors.newCachedThreadPool();

    @BeforeAll
    static void database() throws Exception {
        TestCluster cluster = TestCluster.shared();
        owner = cluster.freshDatabase(DATABASE);
        EmbeddedCluster c = cluster.cluster();
        service = TestCluster.dataSource(c.service(c.primary()).database(DATABASE));
        receiver = new WebhookReceiver();
    }

    /** Each test's evaluators are the only instances publishing requests (their clocks differ). */
    @BeforeEach
    void noOtherInstances() throws SQLException {
        try (Connection c = owner.getConnection();
                Statement s = c.createStatement()) {
            s.execute("DELETE FROM alert_instance_requests");
        }
    }

    @AfterAll
    static void stop() {
        receiver.close();
        sleepers.shutdownNow();
    }

    private record Setup(AlertEvaluator evaluator, WebhookNotifier notifier) implements AutoCloseable {
        @Override
        public void close() {
            notifier.close();
        }
    }

    private static Setup evaluator(AlertProperties properties, MeterRegistry registry, TestClock clock) {
        return evaluator(properties, registry, clock, List::of);
    }

    private static Setup evaluator(
            AlertProperties properties,
            MeterRegistry registry,
            TestClock clock,
            Supplier<List<ReplicaMonitor.Status>> replicas) {
        WebhookNotifier notifier = new WebhookNotifier(properties, AlertEvaluator.deliveryLog(service));
        ErrorRate errorRate = new ErrorRate(registry, service, AlertsConfig.instanceName(), clock, properties);
        Signals signals = new Signals(service, properties, replicas, errorRate, registry);
        return new Setup(new AlertEvaluator(service, signals, properties, notifier, clock), notifier);
    }

    /**
     * The default settings with a fast webhook retry, slow-query thresholds of 300 ms and 1.5 s (so
     * a sleeping statement crosses them quickly), and the server-wide rules (connections, cache hit,
     * disk) out of reach: on a shared test cluster they would fire and resolve on their own.
     */
    private static AlertProperties fast(int attempts) {
        return new AlertProperties(
                true,
                Duration.ofSeconds(30),
                Duration.ofMinutes(5),
                Duration.ofHours(4),
                Duration.ofDays(30),
                Duration.ofMillis(300),
                Duration.ofMillis(1500),
                List.of("pg_dump", "classbase-analytics-%"),
                100,
                5,
                Duration.ofMinutes(5),
                20,
                0,
                Duration.ofSeconds(60),
                100,
                Duration.ofSeconds(5),
                receiver.url(),
                Duration.ofSeconds(5),
                attempts,
                Duration.ofMillis(10),
                Duration.ofMillis(200));
    }

    private static AlertProperties fast() {
        return fast(5);
    }

    /** A statement that sleeps on a connection of its own until cancelled; returns its backend pid. */
    private static int startSleeping(CompletableFuture<Void> done) throws Exception {
        CompletableFuture<Integer> pid = new CompletableFuture<>();
        sleepers.submit(() -> {
            try (Connection c = owner.getConnection();
                    Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                    rs.next();
                    pid.complete(rs.getInt(1));
                }
                s.execute("SELECT pg_sleep(120)");
            } catch (SQLException cancelled) {
                // the test cancels it
            } finally {
                done.complete(null);
            }
            return null;
        });
        return pid.get();
    }

    private static void cancel(int pid, CompletableFuture<Void> done) throws Exception {
        try (Connection c = owner.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT pg_cancel_backend(?)")) {
            ps.setInt(1, pid);
            ps.executeQuery().close();
        }
        done.get();
    }

    private static Alert firing(Evaluation e, Rule rule) {
        return e.firing().stream()
                .filter(a -> a.rule().equals(rule.id()))
                .findFirst()
                .orElse(null);
    }

    private static List<Notification> notified(Evaluation e, Rule rule) {
        return e.notifications().stream()
                .filter(n -> n.alert().rule().equals(rule.id()))
                .toList();
    }

    private static Evaluation evaluateUntil(AlertEvaluator evaluator, java.util.function.Predicate<Evaluation> done)
            throws InterruptedException {
        return Await.until(WAIT, () -> {
            try {
                Evaluation e = evaluator.evaluate();
                return done.test(e) ? e : null;
            } catch (SQLException ex) {
                throw new AssertionError(ex);
            }
        });
    }

    @Test
    void aSlowStatementFiresEscalatesCoolsDownResolvesAndSurvivesARestart() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-11-30T10:00:00Z"));
        AlertProperties properties = fast();
        CompletableFuture<Void> done = new CompletableFuture<>();
        int pid = startSleeping(done);
        long firstId;
        try (Setup setup = evaluator(properties, new SimpleMeterRegistry(), clock)) {
            AlertEvaluator evaluator = setup.evaluator();

            // fires once the statement has run past the warning threshold (300 ms here)
            Evaluation fired = evaluateUntil(evaluator, e -> firing(e, Rule.SLOW_QUERY) != null);
            assertThat(fired).as("the slow-query alert fired").isNotNull();
            assertThat(fired.outcome()).isEqualTo(Evaluation.Outcome.RAN);
            Alert alert = firing(fired, Rule.SLOW_QUERY);
            firstId = alert.id();
            assertThat(alert.summary()).contains("pid " + pid, "pg_sleep");
            assertThat(alert.since()).isEqualTo(clock.instant());
            assertThat(alert.value()).isGreaterThan(0.3);
            assertThat(notified(fired, Rule.SLOW_QUERY)).hasSize(1);
            JsonNode first = receiver.next("slow_query", WAIT);
            assertThat(first).as("the webhook got the firing").isNotNull();
            assertThat(first.path("status").asString()).isEqualTo("firing");
            assertThat(first.path("id").asLong()).isEqualTo(alert.id());
            assertThat(first.path("source").asString()).contains("classbase.alerts.slow-query-warning");

            // past 1.5 s it is critical; within the cooldown that is not notified again
            Evaluation critical = evaluateUntil(
                    evaluator, e -> "critical".equals(firing(e, Rule.SLOW_QUERY).severity()));
            assertThat(critical).isNotNull();
            assertThat(firing(critical, Rule.SLOW_QUERY).id()).isEqualTo(alert.id());
            assertThat(notified(critical, Rule.SLOW_QUERY)).isEmpty();

            // five minutes on, the escalation is news: notified once, then quiet until the repeat interval
            clock.advance(Duration.ofMinutes(5));
            Evaluation later = evaluator.evaluate();
            assertThat(notified(later, Rule.SLOW_QUERY))
                    .singleElement()
                    .satisfies(n -> assertThat(n.alert().severity()).isEqualTo("critical"));
            clock.advance(Duration.ofMinutes(5));
            assertThat(notified(evaluator.evaluate(), Rule.SLOW_QUERY)).isEmpty();
            JsonNode escalated = receiver.next("slow_query", WAIT);
            assertThat(escalated.path("severity").asString()).isEqualTo("critical");
        }

        // a restarted instance finds the alert firing: no new alert, no new notification
        try (Setup restarted = evaluator(properties, new SimpleMeterRegistry(), clock)) {
            Evaluation again = restarted.evaluator().evaluate();
            assertThat(again.changes()).noneMatch(ch -> ch.alert().rule().equals("slow_query"));
            assertThat(notified(again, Rule.SLOW_QUERY)).isEmpty();
            assertThat(firing(again, Rule.SLOW_QUERY)).isNotNull();

            // the statement ends: resolved, notified once
            cancel(pid, done);
            clock.advance(Duration.ofSeconds(30));
            Evaluation resolved = restarted.evaluator().evaluate();
            assertThat(firing(resolved, Rule.SLOW_QUERY)).isNull();
            assertThat(resolved.changes())
                    .filteredOn(ch -> ch.alert().rule().equals("slow_query"))
                    .singleElement()
                    .satisfies(ch -> {
                        assertThat(ch.what()).isEqualTo("resolved");
                        assertThat(ch.alert().resolvedAt()).isEqualTo(clock.instant());
                    });
            assertThat(notified(resolved, Rule.SLOW_QUERY)).hasSize(1);
            assertThat(notified(restarted.evaluator().evaluate(), Rule.SLOW_QUERY))
                    .isEmpty();
            JsonNode end = receiver.next("slow_query", WAIT);
            assertThat(end.path("status").asString()).isEqualTo("resolved");
            assertThat(end.path("resolvedAt").asString())
                    .isEqualTo(clock.instant().toString());

            // it fires again within five minutes of the last notification: a flap, not notified...
            CompletableFuture<Void> done2 = new CompletableFuture<>();
            int pid2 = startSleeping(done2);
            try {
                Evaluation flap = evaluateUntil(restarted.evaluator(), e -> firing(e, Rule.SLOW_QUERY) != null);
                assertThat(flap).isNotNull();
                assertThat(firing(flap, Rule.SLOW_QUERY).id()).isNotEqualTo(0);
                assertThat(notified(flap, Rule.SLOW_QUERY)).isEmpty();
                // ...until the cooldown has passed while it still fires
                clock.advance(Duration.ofMinutes(5));
                assertThat(notified(restarted.evaluator().evaluate(), Rule.SLOW_QUERY))
                        .singleElement()
                        .satisfies(n -> assertThat(n.status()).isEqualTo("firing"));
                JsonNode refired = receiver.next("slow_query", WAIT);
                assertThat(refired.path("status").asString()).isEqualTo("firing");
                assertThat(refired.path("id").asLong()).isNotEqualTo(firstId);
            } finally {
                cancel(pid2, done2);
            }
            clock.advance(Duration.ofSeconds(30));
            restarted.evaluator().evaluate();
        }
    }

    @Test
    void theErrorRateFiresFromServerErrorsAndAWebhookThatFailsFirstGetsItOnARetry() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-11-30T12:00:00Z"));
        MeterRegistry registry = new SimpleMeterRegistry();
        Timer ok = Timer.builder("http.server.requests").tag("status", "200").register(registry);
        Timer failed =
                Timer.builder("http.server.requests").tag("status", "503").register(registry);
        try (Setup setup = evaluator(fast(), registry, clock)) {
            AlertEvaluator evaluator = setup.evaluator();
            Evaluation baseline = evaluator.evaluate();
            assertThat(reading(baseline, Rule.ERROR_RATE).note()).contains("baseline");

            for (int i = 0; i < 27; i++) {
                ok.record(Duration.ofMillis(5));
            }
            for (int i = 0; i < 3; i++) {
                failed.record(Duration.ofMillis(5));
            }
            receiver.failFirst(2);
            int before = receiver.requests();
            clock.advance(Duration.ofSeconds(30));
            Evaluation fired = evaluator.evaluate();
            Alert alert = firing(fired, Rule.ERROR_RATE);
            assertThat(alert).as(fired.readings().toString()).isNotNull();
            assertThat(alert.value()).isEqualTo(10.0);
            assertThat(alert.threshold()).isEqualTo(5.0);
            assertThat(alert.severity()).isEqualTo("critical");

            JsonNode delivered = receiver.next("error_rate", WAIT);
            assertThat(delivered).as("delivered after two 503s").isNotNull();
            assertThat(delivered.path("value").asDouble()).isEqualTo(10.0);
            assertThat(receiver.requests() - before).isGreaterThanOrEqualTo(3);
            String delivery = Await.until(WAIT, () -> deliveryOf(alert.id()));
            assertThat(delivery).contains("delivered", "attempt 3");

            // many good answers later the share is under 5 %: resolved
            for (int i = 0; i < 100; i++) {
                ok.record(Duration.ofMillis(5));
            }
            clock.advance(Duration.ofSeconds(30));
            Evaluation resolved = evaluator.evaluate();
            assertThat(firing(resolved, Rule.ERROR_RATE)).isNull();
            assertThat(receiver.next("error_rate", WAIT).path("status").asString())
                    .isEqualTo("resolved");
        }
    }

    @Test
    void theErrorRateIsTheClustersNotTheRunnersOwn() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-11-30T13:00:00Z"));
        MeterRegistry busy = new SimpleMeterRegistry();
        MeterRegistry failing = new SimpleMeterRegistry();
        AlertProperties properties = fast();
        // another instance of the cluster: it only publishes its window, the runner reads both
        ErrorRate other = new ErrorRate(busy, service, "other-instance", clock, properties);
        try (Setup setup = evaluator(properties, failing, clock)) {
            setup.evaluator().evaluate();
            other.read();
            for (int i = 0; i < 20; i++) {
                Timer.builder("http.server.requests")
                        .tag("status", i % 2 == 0 ? "500" : "200")
                        .register(failing)
                        .record(Duration.ofMillis(1));
            }
            Timer fine =
                    Timer.builder("http.server.requests").tag("status", "200").register(busy);
            for (int i = 0; i < 180; i++) {
                fine.record(Duration.ofMillis(1));
            }
            clock.advance(Duration.ofSeconds(30));
            other.read();
            Evaluation e = setup.evaluator().evaluate();
            // the runner alone answered 50 % 5xx; the cluster 10 of 200: 5 %, not over
            Reading rate = reading(e, Rule.ERROR_RATE);
            assertThat(rate.value()).as(String.valueOf(rate.note())).isEqualTo(5.0);
            assertThat(rate.detail()).contains("10 of 200", "2 instances");
            assertThat(firing(e, Rule.ERROR_RATE)).isNull();
        }
    }

    @Test
    void aWebhookThatKeepsFailingIsGivenUpAfterItsAttempts() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-11-30T14:00:00Z"));
        MeterRegistry registry = new SimpleMeterRegistry();
        Timer failed =
                Timer.builder("http.server.requests").tag("status", "500").register(registry);
        AlertProperties properties = fast(3);
        try (Setup setup = evaluator(properties, registry, clock)) {
            setup.evaluator().evaluate();
            for (int i = 0; i < 40; i++) {
                failed.record(Duration.ofMillis(1));
            }
            receiver.failFirst(1000);
            int before = receiver.requests();
            Evaluation fired = setup.evaluator().evaluate();
            Alert alert = firing(fired, Rule.ERROR_RATE);
            assertThat(alert).isNotNull();
            String delivery = Await.until(WAIT, () -> deliveryOf(alert.id()));
            assertThat(delivery).contains("not delivered after 3 attempts", "HTTP 503");
            assertThat(receiver.requests() - before).isEqualTo(3);
        } finally {
            receiver.failFirst(0);
            try (Connection c = owner.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("DELETE FROM alerts WHERE rule = 'error_rate'");
            }
        }
    }

    /**
     * A receiver that accepts the connection and never answers: each attempt ends by the webhook
     * timeout (HttpClient's request timeout), the delivery is given up after its attempts, and the
     * evaluation returned before any of that, with the first request still held open.
     */
    @Test
    void aWebhookThatNeverAnswersIsGivenUpBoundedAndTheEvaluationDoesNotWait() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-11-30T15:00:00Z"));
        MeterRegistry registry = new SimpleMeterRegistry();
        Timer failed =
                Timer.builder("http.server.requests").tag("status", "500").register(registry);
        try (SilentWebhook silent = new SilentWebhook();
                Setup setup = evaluator(withWebhook(fast(3), silent.url(), Duration.ofSeconds(2)), registry, clock)) {
            setup.evaluator().evaluate();
            for (int i = 0; i < 40; i++) {
                failed.record(Duration.ofMillis(1));
            }
            Evaluation fired = setup.evaluator().evaluate();
            Alert alert = firing(fired, Rule.ERROR_RATE);
            assertThat(alert).isNotNull();
            // the evaluation is back while the delivery has not even timed out once
            assertThat(deliveryOf(alert.id()))
                    .as("delivery right after the evaluation")
                    .isNull();
            assertThat(Await.until(WAIT, () -> silent.connections() > 0 ? Boolean.TRUE : null))
                    .as("the webhook was called")
                    .isNotNull();
            assertThat(deliveryOf(alert.id()))
                    .as("delivery while the first request hangs")
                    .isNull();

            String delivery = Await.until(WAIT, () -> deliveryOf(alert.id()));
            assertThat(delivery)
                    .as("the timeout path")
                    .contains("not delivered after 3 attempts", "HttpTimeoutException")
                    .doesNotContain("HTTP ");
            assertThat(silent.connections()).as("one connection per attempt").isEqualTo(3);
        } finally {
            try (Connection c = owner.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("DELETE FROM alerts WHERE rule = 'error_rate'");
            }
        }
    }

    /** The same settings with another webhook and request timeout. */
    private static AlertProperties withWebhook(AlertProperties p, java.net.URI url, Duration timeout) {
        return new AlertProperties(
                p.schedulerEnabled(),
                p.interval(),
                p.cooldown(),
                p.repeatInterval(),
                p.retention(),
                p.slowQueryWarning(),
                p.slowQueryCritical(),
                p.slowQueryIgnoreApplications(),
                p.connectionsPercent(),
                p.errorRatePercent(),
                p.errorRateWindow(),
                p.errorRateMinRequests(),
                p.cacheHitPercent(),
                p.replicationLag(),
                p.diskPercent(),
                p.checkTimeout(),
                url,
                timeout,
                p.webhookAttempts(),
                p.webhookBackoff(),
                p.lockWait());
    }

    @Test
    void anotherRunnerHoldingTheLockMeansThisInstanceOnlyReads() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-11-30T16:00:00Z"));
        try (Connection holder = service.getConnection();
                Setup setup = evaluator(fast(), new SimpleMeterRegistry(), clock)) {
            try (PreparedStatement ps = holder.prepareStatement("SELECT pg_advisory_lock(?, 0)")) {
                ps.setInt(1, AlertQueries.RUNNER_LOCK_CLASS);
                ps.executeQuery().close();
            }
            Evaluation e = setup.evaluator().evaluate();
            assertThat(e.outcome()).isEqualTo(Evaluation.Outcome.SKIPPED_LOCKED);
            assertThat(e.changes()).isEmpty();
            assertThat(e.readings()).extracting(Reading::rule).containsExactly(Rule.values());
        }
    }

    @Test
    void resolvedAlertsPastRetentionAreDeleted() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-11-30T18:00:00Z"));
        try (Connection c = owner.getConnection();
                Statement s = c.createStatement()) {
            s.execute("""
                    INSERT INTO alerts (rule, severity, state, value, threshold, unit, summary, source,
                                        since, evaluated_at, resolved_at)
                    SELECT 'disk', 'critical', 'resolved', 90, 85, '%', 'old', 'test',
                           timestamptz '2026-10-01 00:00Z', timestamptz '2026-10-01 01:00Z',
                           timestamptz '2026-10-01 01:00Z' + make_interval(secs => g)
                    FROM generate_series(1, 1500) g
                    UNION ALL
                    SELECT 'disk', 'critical', 'resolved', 90, 85, '%', 'recent', 'test',
                           timestamptz '2026-11-20 00:00Z', timestamptz '2026-11-20 01:00Z', timestamptz '2026-11-20 01:00Z'
                    """);
        }
        try (Setup setup = evaluator(fast(), new SimpleMeterRegistry(), clock)) {
            assertThat(setup.evaluator().evaluate().outcome()).isEqualTo(Evaluation.Outcome.RAN);
        }
        try (Connection c = owner.getConnection();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT summary, count(*) FROM alerts WHERE source = 'test' GROUP BY 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("recent");
            assertThat(rs.getLong(2)).isEqualTo(1);
            assertThat(rs.next()).isFalse();
        }
    }

    /**
     * Two transactions each lock one row of a private table, then the other's: PostgreSQL's
     * deadlock detector aborts one with 40P01 (docs: "Deadlocks", explicit locking), the victim's
     * backend counts it in pg_stat_database.deadlocks, and the next evaluations see the change.
     */
    @Test
    void aRealDeadlockFiresTheDeadlockRuleOnceAndResolves() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-11-30T20:00:00Z"));
        try (Connection c = owner.getConnection();
                Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE IF NOT EXISTS deadlock_probe (id int PRIMARY KEY, n int NOT NULL);
                    INSERT INTO deadlock_probe VALUES (1, 0), (2, 0) ON CONFLICT DO NOTHING;
                    """);
        }
        try (Setup setup = evaluator(fast(), new SimpleMeterRegistry(), clock)) {
            AlertEvaluator evaluator = setup.evaluator();
            assertThat(reading(evaluator.evaluate(), Rule.DEADLOCKS).note()).contains("baseline");
            assertThat(reading(evaluator.evaluate(), Rule.DEADLOCKS).value()).isZero();

            List<String> states = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (Connection a = owner.getConnection();
                    Connection b = owner.getConnection()) {
                a.setAutoCommit(false);
                b.setAutoCommit(false);
                update(a, 1);
                update(b, 2);
                CompletableFuture<Void> first = CompletableFuture.runAsync(() -> lockOrAbort(a, 2, states), sleepers);
                lockOrAbort(b, 1, states);
                first.get();
            }
            assertThat(states)
                    .as("one transaction aborted as the deadlock victim")
                    .containsExactly("40P01");

            // the victim's backend reports the count when it goes idle or exits
            Evaluation fired = evaluateUntil(evaluator, e -> firing(e, Rule.DEADLOCKS) != null);
            Alert alert = firing(fired, Rule.DEADLOCKS);
            assertThat(alert.value()).isEqualTo(1.0);
            assertThat(alert.severity()).isEqualTo("warning");
            assertThat(alert.summary()).contains("deadlocks warning: 1.0 deadlocks");

            clock.advance(Duration.ofSeconds(30));
            Evaluation next = evaluator.evaluate();
            assertThat(reading(next, Rule.DEADLOCKS).value()).isZero();
            assertThat(firing(next, Rule.DEADLOCKS)).isNull();
        } finally {
            deleteAlerts("deadlocks");
        }
    }

    /** Takes the row's lock in the open transaction; a deadlock victim records 40P01 and rolls back. */
    private static void lockOrAbort(Connection c, int id, List<String> states) {
        try {
            update(c, id);
            c.commit();
        } catch (SQLException e) {
            states.add(e.getSQLState());
            try {
                c.rollback();
            } catch (SQLException rollback) {
                throw new AssertionError(rollback);
            }
        }
    }

    private static void update(Connection c, int id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE deadlock_probe SET n = n + 1 WHERE id = ?")) {
            ps.setInt(1, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    /**
     * A row lock held by an open transaction and a second backend waiting for it (seen in pg_locks
     * as not granted): lock_waits fires once the wait passes lock-wait (200 ms here), names the
     * waiter and its blocker, and resolves when the holder rolls back.
     */
    @Test
    void aBackendWaitingOnARowLockFiresLockWaitsUntilTheLockIsReleased() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-11-30T21:00:00Z"));
        try (Connection c = owner.getConnection();
                Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE IF NOT EXISTS lock_probe (id int PRIMARY KEY, n int NOT NULL);
                    INSERT INTO lock_probe VALUES (1, 0) ON CONFLICT DO NOTHING;
                    """);
        }
        CompletableFuture<Integer> waiterPid = new CompletableFuture<>();
        CompletableFuture<Void> waited;
        try (Connection holder = owner.getConnection();
                Setup setup = evaluator(fast(), new SimpleMeterRegistry(), clock)) {
            holder.setAutoCommit(false);
            int holderPid;
            try (Statement s = holder.createStatement();
                    ResultSet rs = s.executeQuery("SELECT pg_backend_pid() FROM lock_probe WHERE id = 1 FOR UPDATE")) {
                rs.next();
                holderPid = rs.getInt(1);
            }
            waited = CompletableFuture.runAsync(
                    () -> {
                        try (Connection w = owner.getConnection();
                                Statement s = w.createStatement()) {
                            // a long wait by design for the slow-query rule (fast() ignores these names)
                            s.execute("SET application_name = 'classbase-analytics-lock-probe'");
                            try (ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                                rs.next();
                                waiterPid.complete(rs.getInt(1));
                            }
                            s.executeUpdate("UPDATE lock_probe SET n = n + 1 WHERE id = 1");
                        } catch (SQLException e) {
                            waiterPid.completeExceptionally(e);
                            throw new IllegalStateException(e);
                        }
                    },
                    sleepers);
            int pid = waiterPid.get();
            assertThat(Await.until(WAIT, () -> waitsOnALock(pid) ? Boolean.TRUE : null))
                    .as("the waiter's lock request is in pg_locks, not granted")
                    .isTrue();

            AlertEvaluator evaluator = setup.evaluator();
            Evaluation fired = evaluateUntil(evaluator, e -> firing(e, Rule.LOCK_WAITS) != null);
            Alert alert = firing(fired, Rule.LOCK_WAITS);
            assertThat(alert.value()).isEqualTo(1.0);
            assertThat(alert.summary())
                    .contains("pid " + pid + " waiting")
                    .contains("blocked by pid " + holderPid)
                    .contains("UPDATE lock_probe");
            assertThat(firing(fired, Rule.SLOW_QUERY)).isNull();

            holder.rollback();
            waited.get();
            clock.advance(Duration.ofSeconds(30));
            Evaluation released = evaluator.evaluate();
            assertThat(reading(released, Rule.LOCK_WAITS).value()).isZero();
            assertThat(firing(released, Rule.LOCK_WAITS)).isNull();
        } finally {
            deleteAlerts("lock_waits");
        }
    }

    private static boolean waitsOnALock(int pid) {
        try (Connection c = owner.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT count(*) FROM pg_locks WHERE pid = ? AND NOT granted")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A real Hikari pool of one connection measured by Micrometer: a thread waiting while the
     * connection is held fires pool_exhaustion, a request that times out fires connection_failures
     * (critical), and both resolve once the connection is back and no new timeout comes.
     */
    @Test
    void aWaitingThreadAndATimeoutInAHikariPoolFireThePoolRules() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-11-30T22:00:00Z"));
        MeterRegistry registry = new SimpleMeterRegistry();
        HikariConfig config = new HikariConfig();
        config.setDataSource(service);
        config.setPoolName("alerts-probe");
        config.setMaximumPoolSize(1);
        config.setConnectionTimeout(WAIT.toMillis());
        config.setMetricRegistry(registry);
        try (HikariDataSource pool = new HikariDataSource(config);
                Setup setup = evaluator(fast(), registry, clock)) {
            AlertEvaluator evaluator = setup.evaluator();
            Evaluation baseline = evaluator.evaluate();
            assertThat(reading(baseline, Rule.POOL_EXHAUSTION).value()).isZero();
            assertThat(reading(baseline, Rule.CONNECTION_FAILURES).note()).contains("baseline");

            CompletableFuture<Void> waiter;
            try (Connection held = pool.getConnection()) {
                waiter = CompletableFuture.runAsync(
                        () -> {
                            try (Connection c = pool.getConnection()) {
                                c.isValid(1);
                            } catch (SQLException e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        sleepers);
                assertThat(Await.until(
                                WAIT,
                                () -> pool.getHikariPoolMXBean().getThreadsAwaitingConnection() > 0
                                        ? Boolean.TRUE
                                        : null))
                        .isTrue();
                // Hikari refreshes the pool statistics its gauges read at most once a second
                Evaluation waiting = evaluateUntil(evaluator, e -> firing(e, Rule.POOL_EXHAUSTION) != null);
                assertThat(waiting).isNotNull();
                Alert exhausted = firing(waiting, Rule.POOL_EXHAUSTION);
                assertThat(exhausted).as(waiting.readings().toString()).isNotNull();
                assertThat(exhausted.value()).isEqualTo(1.0);
                assertThat(exhausted.summary()).contains("pool alerts-probe");
                assertThat(firing(waiting, Rule.CONNECTION_FAILURES)).isNull();

                // a request with a short timeout (the pool's own hard-timeout entry: a runtime change
                // of connectionTimeout reaches only later pools) fails while the connection is held
                HikariPool inner = (HikariPool) pool.getHikariPoolMXBean();
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> inner.getConnection(250))
                        .isInstanceOf(java.sql.SQLTransientConnectionException.class);
                clock.advance(Duration.ofSeconds(30));
                Evaluation failed = evaluator.evaluate();
                Alert failures = firing(failed, Rule.CONNECTION_FAILURES);
                assertThat(failures).as(failed.readings().toString()).isNotNull();
                assertThat(failures.severity()).isEqualTo("critical");
                assertThat(failures.value()).isEqualTo(1.0);
            }
            waiter.get();
            clock.advance(Duration.ofSeconds(30));
            Evaluation recovered = evaluateUntil(evaluator, e -> firing(e, Rule.POOL_EXHAUSTION) == null);
            assertThat(recovered)
                    .as("the pool's waiting thread got its connection")
                    .isNotNull();
            assertThat(reading(recovered, Rule.POOL_EXHAUSTION).value()).isZero();
            assertThat(firing(recovered, Rule.CONNECTION_FAILURES)).isNull();
        } finally {
            deleteAlerts("pool_exhaustion", "connection_failures");
        }
    }

    /** The replica monitor's statuses: a polled replica out of rotation fires replica_down. */
    @Test
    void aReplicaOutOfRotationFiresReplicaDown() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-11-30T23:00:00Z"));
        Instant polled = clock.instant();
        AtomicReference<List<ReplicaMonitor.Status>> statuses = new AtomicReference<>(List.of(
                new ReplicaMonitor.Status("replica1", true, "in rotation", null, 0, 0, "streaming", polled),
                new ReplicaMonitor.Status(
                        "replica2", false, "unreachable: connection refused", null, -1, -1, null, polled)));
        try (Setup setup = evaluator(fast(), new SimpleMeterRegistry(), clock, statuses::get)) {
            AlertEvaluator evaluator = setup.evaluator();
            Evaluation down = evaluator.evaluate();
            Alert alert = firing(down, Rule.REPLICA_DOWN);
            assertThat(alert).as(down.readings().toString()).isNotNull();
            assertThat(alert.value()).isEqualTo(1.0);
            assertThat(alert.summary()).contains("replica2: unreachable: connection refused");

            statuses.set(List.of(
                    new ReplicaMonitor.Status("replica1", true, "in rotation", null, 0, 0, "streaming", polled),
                    new ReplicaMonitor.Status("replica2", true, "in rotation", null, 0, 0, "streaming", polled)));
            clock.advance(Duration.ofSeconds(30));
            Evaluation back = evaluator.evaluate();
            assertThat(reading(back, Rule.REPLICA_DOWN).value()).isZero();
            assertThat(firing(back, Rule.REPLICA_DOWN)).isNull();
        } finally {
            deleteAlerts("replica_down");
        }
    }

    private static void deleteAlerts(String... rules) throws SQLException {
        try (Connection c = owner.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM alerts WHERE rule = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", rules));
            ps.executeUpdate();
        }
    }

    private static Reading reading(Evaluation e, Rule rule) {
        return e.readings().stream().filter(r -> r.rule() == rule).findFirst().orElseThrow();
    }

    private static String deliveryOf(long id) {
        try (Connection c = owner.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT delivery FROM alerts WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
