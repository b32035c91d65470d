package dev.classbase.data.retry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.data.Migrations;
import dev.classbase.data.Probe;
import dev.classbase.data.replicas.ReplicaMonitor;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Failures under load, on clusters of this test's own: a replica dies, connections die, a replica is promoted. */
class FailoverTests {

    @Test
    void aReplicaStoppedUnderLoadCostsNoReadAndComesBack() throws Exception {
        try (EmbeddedCluster cluster = TestCluster.startPrivate("replica-stop", 2);
                TestApp app = startApp(cluster, Map.of())) {
            Probe.awaitReplicasInRotation(app, 2);
            Probe.Service probe = app.bean(Probe.Service.class);
            int stoppedPort = cluster.replicas().get(0).port();
            AtomicInteger reads = new AtomicInteger();
            AtomicInteger readsAfterStop = new AtomicInteger();
            Set<Integer> portsAfterStop = ConcurrentHashMap.newKeySet();
            CountDownLatch stopped = new CountDownLatch(1);
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> readers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                readers.add(pool.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        // the last 50 reads of each reader run once the replica is down, however
                        // quickly the first 250 went by: the stop always meets reads after it
                        boolean afterStop = i >= 250;
                        if (afterStop) {
                            awaitQuietly(stopped);
                        }
                        try {
                            probe.slowRead(0.002);
                            reads.incrementAndGet();
                            if (afterStop) {
                                readsAfterStop.incrementAndGet();
                                portsAfterStop.add(probe.whereRead().port());
                            }
                        } catch (RuntimeException e) {
                            failures.add(e);
                        }
                    }
                }));
            }
            Await.until(Duration.ofSeconds(30), () -> reads.get() > 200 ? Boolean.TRUE : null);
            try {
                cluster.stopReplica(0);
            } finally {
                stopped.countDown();
            }
            for (Future<?> reader : readers) {
                reader.get();
            }
            pool.shutdown();
            assertThat(failures).as("failed reads").isEmpty();
            assertThat(reads.get()).isEqualTo(1200);
            assertThat(readsAfterStop.get())
                    .as("reads after the replica stopped")
                    .isEqualTo(200);
            assertThat(portsAfterStop)
                    .as("servers that answered after the stop")
                    .doesNotContain(stoppedPort);
            assertThat(app.bean(ReplicaMonitor.class).status("replica1").inRotation())
                    .isFalse();

            cluster.startReplica(0);
            Probe.awaitReplicasInRotation(app, 2);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the replica was not stopped within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void terminatingEveryAppConnectionMidLoadLosesAndDuplicatesNothing() throws Exception {
        try (EmbeddedCluster cluster = TestCluster.startPrivate("terminate", 1);
                TestApp app = startApp(cluster, Map.of())) {
            writeWhileKilling(cluster, app, "application_name = 'classbase-primary'");
        }
    }

    /**
     * 400 retryable inserts on 4 threads while a killer terminates, every 40 ms, every backend
     * matching {@code victims}: each insert completes, and exactly once.
     */
    static void writeWhileKilling(EmbeddedCluster cluster, TestApp app, String victims) throws Exception {
        Probe.Service probe = app.bean(Probe.Service.class);
        AtomicBoolean killing = new AtomicBoolean(true);
        AtomicInteger terminated = new AtomicInteger();
        Thread killer = Thread.ofPlatform().start(() -> {
            while (killing.get()) {
                try (Connection c = TestCluster.dataSource(cluster.superuser(cluster.primary()))
                                .getConnection();
                        Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                                + " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND "
                                + victims)) {
                    rs.next();
                    terminated.addAndGet(rs.getInt(1));
                    Thread.sleep(40);
                } catch (Exception e) {
                    // the killer keeps killing
                }
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Long>> writes = new ArrayList<>();
        for (int op = 0; op < 400; op++) {
            String name = "kill-" + op;
            writes.add(pool.submit(() -> probe.insertRetryable(name)));
        }
        try {
            for (Future<Long> write : writes) {
                assertThat(write.get()).isPositive();
            }
        } finally {
            killing.set(false);
            killer.join();
            pool.shutdownNow();
        }
        try (Connection c = TestCluster.dataSource(cluster.primary()).getConnection();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT count(*), count(DISTINCT op) FROM rw_probe WHERE op LIKE 'kill-%'")) {
            rs.next();
            assertThat(rs.getLong(1))
                    .as("rows (terminated %d backends)", terminated.get())
                    .isEqualTo(400);
            assertThat(rs.getLong(2)).isEqualTo(400);
        }
        assertThat(terminated.get()).as("the killer did kill").isPositive();
    }

    @Test
    void whenAReplicaIsPromotedWritesResumeOnIt() throws Exception {
        try (EmbeddedCluster cluster = TestCluster.startPrivate("promote", 1)) {
            int oldPrimary = cluster.primary().port();
            int replica = cluster.replicas().get(0).port();
            String multiHost = "jdbc:postgresql://127.0.0.1:" + oldPrimary + ",127.0.0.1:" + replica
                    + "/classbase?targetServerType=primary&hostRecheckSeconds=1";
            try (TestApp app = startApp(cluster, Map.of("classbase.database.primary.url", multiHost))) {
                Probe.Service probe = app.bean(Probe.Service.class);
                assertThat(probe.whereWrite().port()).isEqualTo(oldPrimary);

                cluster.stopPrimary();
                try (Connection c = TestCluster.dataSource(
                                        cluster.superuser(cluster.replicas().get(0)))
                                .getConnection();
                        Statement s = c.createStatement()) {
                    s.execute("SELECT pg_promote(true, 30)");
                }
                Long id = Await.until(Duration.ofSeconds(60), () -> {
                    try {
                        return probe.insertRetryable("after-promotion");
                    } catch (RuntimeException e) {
                        return null;
                    }
                });
                assertThat(id).as("a write after the promotion").isNotNull();
                assertThat(probe.whereWrite().port()).isEqualTo(replica);
            }
        }
    }

    static TestApp startApp(EmbeddedCluster cluster, Map<String, Object> overrides) throws Exception {
        Migrations.apply(TestCluster.dataSource(cluster.primary()));
        Probe.createTable(TestCluster.dataSource(cluster.primary()));
        return TestApp.start(TestCluster.springProperties(cluster), overrides, Probe.class);
    }
}
