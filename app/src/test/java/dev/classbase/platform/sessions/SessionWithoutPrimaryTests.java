package dev.classbase.platform.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.cluster.EmbeddedCluster;
import dev.classbase.data.Migrations;
import dev.classbase.data.Probe;
import dev.classbase.platform.operators.OperatorAccounts;
import dev.classbase.seed.DemoAccounts;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * While the primary cannot be reached, a session is looked up on a replica in rotation: a signed-in
 * request is still recognised, and a token the replica does not have gets the primary's failure
 * (503 problem+json), never a 401. On a cluster of its own, whose primary this test stops. The
 * session is written straight into the table, so no instance has it in its session cache and the
 * first request that carries it asks the database.
 */
class SessionWithoutPrimaryTests {
    private static EmbeddedCluster cluster;
    private static TestApp app;

    @BeforeAll
    static void start() {
        cluster = TestCluster.startPrivate("session-without-primary", 1);
        Migrations.apply(TestCluster.dataSource(cluster.primary()));
        new OperatorAccounts(TestCluster.dataSource(cluster.primary()))
                .addIfAbsent(DemoAccounts.OPERATOR, DemoAccounts.passwordHash());
        app = TestApp.start(TestCluster.springProperties(cluster), java.util.Map.of());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aSessionTheReplicaHasIsRecognisedWhileThePrimaryIsDown() throws Exception {
        // a recognised operator at a route that does not exist: authentication passed
        int recognised = app.get("/api/v1/no-such-route", app.signIn(DemoAccounts.OPERATOR))
                .statusCode();
        assertThat(recognised).isIn(403, 404);

        String token = Tokens.newOperatorToken();
        byte[] hash = Tokens.hash(token).orElseThrow();
        try (Connection c = TestCluster.dataSource(cluster.primary()).getConnection();
                PreparedStatement insert =
                        c.prepareStatement("insert into operator_sessions (token_hash, operator_id, expires_at)"
                                + " select ?, id, now() + interval '1 hour' from operators"
                                + " where lower(email) = lower(?)")) {
            insert.setBytes(1, hash);
            insert.setString(2, DemoAccounts.OPERATOR);
            assertThat(insert.executeUpdate()).isEqualTo(1);
        }
        Probe.awaitReplicasInRotation(app, 1);
        DataSource replica = TestCluster.dataSource(cluster.replicas().get(0));
        Await.until(Duration.ofSeconds(30), () -> replicaHas(replica, hash) ? Boolean.TRUE : null);

        cluster.stopPrimary();
        // the monitor's poll finds no primary: lookups ask a replica first, without the pool's wait
        dev.classbase.data.replicas.ReplicaMonitor monitor = app.bean(dev.classbase.data.replicas.ReplicaMonitor.class);
        Await.until(Duration.ofSeconds(30), () -> monitor.primaryUnreachable() ? true : null);

        HttpResponse<String> signedIn = app.get("/api/v1/no-such-route", token);
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(recognised);
        HttpResponse<String> unknown = app.get("/api/v1/no-such-route", Tokens.newOperatorToken());
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(503);
        assertThat(unknown.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    }

    private static boolean replicaHas(DataSource replica, byte[] hash) {
        try (Connection c = replica.getConnection();
                PreparedStatement select = c.prepareStatement("select 1 from operator_sessions where token_hash = ?")) {
            select.setBytes(1, hash);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
