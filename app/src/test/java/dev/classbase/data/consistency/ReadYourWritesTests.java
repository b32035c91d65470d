package dev.classbase.data.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.cluster.Endpoint;
import dev.classbase.data.Migrations;
import dev.classbase.data.Probe;
import dev.classbase.data.replicas.ReplicaMonitor;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Read-your-writes by LSN while one replica applies WAL three seconds late: a thousand
 * write-then-read rounds with the token never read stale, the late replica leaves the rotation by
 * the lag gate and comes back when the delay is removed.
 */
class ReadYourWritesTests {
    static EmbeddedCluster cluster;
    static TestApp app;
    static dev.classbase.testsupport.PgBouncerProcess bouncer;

    @BeforeAll
    static void start(TestInfo test) throws Exception {
        if (test.getTestClass().orElseThrow() != ReadYourWritesTests.class) {
            return; // a subclass brings its own cluster (JUnit runs a superclass's @BeforeAll too)
        }
        cluster = TestCluster.startPrivate("ryw", 2);
        Migrations.apply(TestCluster.dataSource(cluster.primary()));
        Probe.createTable(TestCluster.dataSource(cluster.primary()));
        app = TestApp.start(TestCluster.springProperties(cluster), Map.of(), Probe.class);
        Probe.awaitReplicasInRotation(app, 2);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
            app = null;
        }
        if (bouncer != null) {
            bouncer.close();
            bouncer = null;
        }
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    @Test
    void aThousandWriteThenReadRoundsWithTheTokenNeverReadStale() throws Exception {
        setApplyDelay("3s");
        ReplicaMonitor monitor = app.bean(ReplicaMonitor.class);
        // keep WAL flowing until the gate sees the delay
        Object excluded = Await.until(Duration.ofSeconds(30), () -> {
            app.bean(Probe.Service.class).insert("warm-up");
            ReplicaMonitor.Status s = monitor.status("replica2");
            return !s.inRotation() && s.reason().startsWith("lag") ? s : null;
        });
        assertThat(excluded)
                .as("replica2 excluded by the lag gate: %s", monitor.statuses())
                .isNotNull();

        int stale = 0;
        Map<String, Integer> sources = new TreeMap<>();
        for (int round = 0; round < 1000; round++) {
            HttpResponse<String> written = app.send("POST", "/probe/rows", null, null, Map.of());
            assertThat(written.statusCode()).isEqualTo(200);
            String token = written.headers().firstValue("Classbase-Consistency").orElseThrow();
            long id = TestApp.json(written).path("id").asLong();
            HttpResponse<String> read =
                    app.send("GET", "/probe/rows/" + id, null, null, Map.of("Classbase-Consistency", token));
            if (read.statusCode() == 404) {
                stale++;
            }
            sources.merge(read.headers().firstValue("Classbase-Read-Source").orElse("?"), 1, Integer::sum);
        }
        System.out.println("read-your-writes: 1000 rounds, read sources " + sources);
        assertThat(stale).as("stale reads; read sources %s", sources).isZero();
        assertThat(sources.keySet()).as("the delayed replica served no read").noneMatch(k -> k.contains("replica2"));
        // reads with a token are not all sent to the primary: the caught-up replica served some
        assertThat(sources).as("read sources").containsKey("replica1");
        assertThat(sources.keySet())
                .as("read sources")
                .allMatch(k -> k.equals("replica1") || k.startsWith("primary ("));

        setApplyDelay(null);
        Object back = Await.until(Duration.ofSeconds(30), () -> {
            app.bean(Probe.Service.class).insert("catch-up");
            return monitor.status("replica2").inRotation() ? Boolean.TRUE : null;
        });
        assertThat(back).as("replica2 readmitted: %s", monitor.statuses()).isNotNull();
    }

    @Test
    void aReadWithTheTokenGoesToAReplicaOnceOneHasReplayedTheWrite() throws Exception {
        Probe.awaitReplicasInRotation(app, 2);
        ReplicaMonitor monitor = app.bean(ReplicaMonitor.class);
        HttpResponse<String> written = app.send("POST", "/probe/rows", null, null, Map.of());
        assertThat(written.statusCode()).isEqualTo(200);
        String token = written.headers().firstValue("Classbase-Consistency").orElseThrow();
        Lsn required = Lsn.parse(token).orElseThrow();
        long id = TestApp.json(written).path("id").asLong();
        // both replicas in rotation, and by the monitor's last poll both have the write
        Object caughtUp = Await.until(
                Duration.ofSeconds(30),
                () -> monitor.statuses().stream()
                                .allMatch(s -> s.inRotation()
                                        && s.replayLsn() != null
                                        && s.replayLsn().atLeast(required))
                        ? Boolean.TRUE
                        : null);
        assertThat(caughtUp).as("replicas caught up: %s", monitor.statuses()).isNotNull();

        HttpResponse<String> read =
                app.send("GET", "/probe/rows/" + id, null, null, Map.of("Classbase-Consistency", token));
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("Classbase-Read-Source"))
                .hasValueSatisfying(source -> assertThat(source).isIn("replica1", "replica2"));
        assertThat(TestApp.json(read).path("where").path("inRecovery").asBoolean())
                .as("answered by a server in recovery")
                .isTrue();
    }

    /**
     * A replica in rotation but behind the caller's token (its WAL replay paused with
     * pg_wal_replay_pause(), PostgreSQL manual "Recovery Control Functions"): a read with the token
     * is served by the primary or the other, caught-up replica, never by the paused one, and never
     * stale. The paused replica stays in rotation until the lag gate sees it (max-lag, 1 s), so
     * each round writes and reads at once and counts only when the monitor had it in rotation
     * before and after the read.
     */
    @Test
    void aReplicaInRotationButBehindTheTokenServesNoReadWithIt() throws Exception {
        ReplicaMonitor monitor = app.bean(ReplicaMonitor.class);
        Endpoint pausedEndpoint = cluster.superuser(cluster.replicas().get(0));
        String paused = cluster.replicas().get(0).name();
        String other = cluster.replicas().get(1).name();
        int behindInRotation = 0;
        Map<String, Integer> sources = new TreeMap<>();
        try {
            for (int round = 0; round < 10 && behindInRotation < 3; round++) {
                Probe.awaitReplicasInRotation(app, 2);
                replay(pausedEndpoint, "pg_wal_replay_pause()");
                Object isPaused = Await.until(
                        Duration.ofSeconds(10),
                        () -> "paused".equals(replayState(pausedEndpoint)) ? Boolean.TRUE : null);
                assertThat(isPaused).as("%s paused", paused).isNotNull();

                HttpResponse<String> written = app.send("POST", "/probe/rows", null, null, Map.of());
                assertThat(written.statusCode()).isEqualTo(200);
                String token =
                        written.headers().firstValue("Classbase-Consistency").orElseThrow();
                Lsn required = Lsn.parse(token).orElseThrow();
                long id = TestApp.json(written).path("id").asLong();
                ReplicaMonitor.Status before = monitor.status(paused);
                HttpResponse<String> read =
                        app.send("GET", "/probe/rows/" + id, null, null, Map.of("Classbase-Consistency", token));
                ReplicaMonitor.Status after = monitor.status(paused);

                String source =
                        read.headers().firstValue("Classbase-Read-Source").orElse("?");
                sources.merge(source, 1, Integer::sum);
                assertThat(read.statusCode())
                        .as("read with the token, from %s", source)
                        .isEqualTo(200);
                assertThat(source).isIn("primary (token-not-replayed)", other);
                if (before.inRotation()
                        && after.inRotation()
                        && after.replayLsn() != null
                        && !after.replayLsn().atLeast(required)) {
                    behindInRotation++;
                }
                replay(pausedEndpoint, "pg_wal_replay_resume()");
            }
        } finally {
            replay(pausedEndpoint, "pg_wal_replay_resume()");
        }
        System.out.println("replica behind the token: read sources " + sources);
        assertThat(behindInRotation)
                .as("rounds with %s in rotation and behind the token; sources %s", paused, sources)
                .isPositive();
        Probe.awaitReplicasInRotation(app, 2);
    }

    private static void replay(Endpoint superuser, String function) throws Exception {
        try (Connection c = TestCluster.dataSource(superuser).getConnection();
                Statement s = c.createStatement()) {
            s.execute("SELECT " + function);
        }
    }

    private static String replayState(Endpoint superuser) {
        try (Connection c = TestCluster.dataSource(superuser).getConnection();
                Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT pg_get_wal_replay_pause_state()")) {
            rs.next();
            return rs.getString(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void setApplyDelay(String delay) throws Exception {
        try (Connection c = TestCluster.dataSource(
                                cluster.superuser(cluster.replicas().get(1)))
                        .getConnection();
                Statement s = c.createStatement()) {
            s.execute(
                    delay == null
                            ? "ALTER SYSTEM RESET recovery_min_apply_delay"
                            : "ALTER SYSTEM SET recovery_min_apply_delay = '" + delay + "'");
            s.execute("SELECT pg_reload_conf()");
        }
    }
}
