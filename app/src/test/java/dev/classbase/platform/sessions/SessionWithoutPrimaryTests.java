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
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * While the primary cannot be reached, a session is looked up on a replica in rotation: a signed-in
 * request is still recognised (an unknown route answers as it did with the primary up, not with the
 * 503 of a failed lookup),
 * and a token the replica does not have gets the primary's failure (503), never a 401. On a cluster
 * of its own, whose primary this test stops; the session cache is off so that every request asks
 * the database.
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
        Map<String, Object> props = new LinkedHashMap<>(TestCluster.springProperties(cluster));
        props.put("classbase.cache.regions.sessions.enabled", "false");
        app = TestApp.start(props, Map.of());
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
        String token = app.signInOperator();
        Probe.awaitReplicasInRotation(app, 1);
        // the sign-in's session row has reached the replica
        Long replicated = Await.until(Duration.ofSeconds(30), () -> {
            try (Connection c =
                            TestCluster.dataSource(cluster.replicas().get(0)).getConnection();
                    ResultSet rs = c.createStatement().executeQuery("select count(*) from operator_sessions")) {
                rs.next();
                long n = rs.getLong(1);
                return n > 0 ? n : null;
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(replicated).isPositive();
        // what a recognised operator gets at a route that does not exist (authentication passed)
        int recognised = app.get("/api/v1/no-such-route", token).statusCode();
        assertThat(recognised).isIn(403, 404);

        cluster.stopPrimary();

        HttpResponse<String> signedIn = app.get("/api/v1/no-such-route", token);
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(recognised);
        HttpResponse<String> unknown = app.get("/api/v1/no-such-route", Tokens.newOperatorToken());
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(503);
        assertThat(unknown.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    }
}
