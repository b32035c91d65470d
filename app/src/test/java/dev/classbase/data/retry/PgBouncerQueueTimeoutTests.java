package dev.classbase.data.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.cluster.Endpoint;
import dev.classbase.data.Probe;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.PgBouncerProcess;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every server connection of PgBouncer's pool held by long transactions: a retryable write waits
 * for one ({@code query_wait_timeout}, 5 s, HikariCP's bound too) once, fails, and is not run
 * again: another attempt would wait as long again (before this rule such a write came back after
 * 15 s or more). Through a real PgBouncer 1.18 in transaction mode, configured by classbase's own
 * renderer.
 */
class PgBouncerQueueTimeoutTests {
    private static final int HOLDERS = 40; // more than the rendered pool and its reserve
    private static final double HOLD_SECONDS = 18;

    @Test
    void aWriteQueuedPastQueryWaitTimeoutFailsOnceAndIsNotRetried() throws Exception {
        try (EmbeddedCluster cluster = TestCluster.startPrivate("bouncer-queue", 1);
                PgBouncerProcess bouncer = FailoverThroughPgBouncerTests.startBouncer(cluster);
                TestApp app = FailoverTests.startApp(
                        cluster,
                        Map.of("classbase.database.primary.url", bouncer.url(), "classbase.pools.pgbouncer", "true"))) {
            Probe.Service probe = app.bean(Probe.Service.class);
            MeterRegistry registry = app.bean(MeterRegistry.class);
            probe.insertRetryable("before the hold");

            Endpoint service = cluster.service(cluster.primary());
            ExecutorService holders = Executors.newFixedThreadPool(HOLDERS);
            CountDownLatch connected = new CountDownLatch(HOLDERS);
            List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            List<java.util.concurrent.Future<?>> held = new ArrayList<>();
            for (int i = 0; i < HOLDERS; i++) {
                held.add(holders.submit(() -> {
                    try (Connection c = DriverManager.getConnection(
                            bouncer.url() + "?prepareThreshold=0", service.user(), service.password())) {
                        connected.countDown();
                        c.createStatement().execute("select pg_sleep(" + HOLD_SECONDS + ")");
                    } catch (java.sql.SQLException e) {
                        failures.add(e.getMessage()); // past the pool: this holder's own queue timeout
                        connected.countDown();
                    }
                    return null;
                }));
            }
            assertThat(connected.await(10, TimeUnit.SECONDS)).isTrue();
            // every server connection PgBouncer may open sleeps: the pool rendered for
            // PgBouncerProcess's inputs (5) and its reserve (2), taken after reserve_pool_timeout (3 s)
            assertThat(Await.until(Duration.ofSeconds(20), () -> sleeping(cluster) >= 7 ? true : null))
                    .as("holders on the server; failures: %s", failures)
                    .isTrue();

            assertThatThrownBy(() -> probe.insertRetryable("queued"))
                    .satisfies(e -> assertThat(TransientErrors.connectionLost(e) || TransientErrors.queueTimeout(e))
                            .as("a connection error: %s", e)
                            .isTrue());
            assertThat(registry.get("classbase.transactions.not_retried")
                            .tag("why", "connection-wait")
                            .counter()
                            .count())
                    .isGreaterThanOrEqualTo(1.0);

            for (var h : held) {
                h.get(60, TimeUnit.SECONDS);
            }
            holders.shutdown();
            // the pool is free again: the same write goes through
            assertThat(probe.insertRetryable("after the hold")).isPositive();
        }
    }

    private static long sleeping(EmbeddedCluster cluster) {
        try (Connection c = TestCluster.dataSource(cluster.superuser(cluster.primary()))
                        .getConnection();
                var rs = c.createStatement()
                        .executeQuery("select count(*) from pg_stat_activity"
                                + " where state = 'active' and query like 'select pg_sleep(%'")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
