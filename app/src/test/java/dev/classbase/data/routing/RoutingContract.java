package dev.classbase.data.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classbase.data.DataTier;
import dev.classbase.data.Probe;
import dev.classbase.data.consistency.Lsn;
import dev.classbase.data.replicas.ReplicaMonitor;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestApp;
import dev.classbase.testsupport.TestCluster;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessException;

/**
 * What the data tier promises about routing, asserted by the servers themselves ({@code
 * inet_server_port()}, {@code pg_is_in_recovery()}); run directly and through PgBouncer.
 */
abstract class RoutingContract {

    abstract TestApp app();

    Probe.Service probe() {
        return app().bean(Probe.Service.class);
    }

    Set<Integer> replicaPorts() {
        Set<Integer> ports = new HashSet<>();
        TestCluster.shared().cluster().replicas().forEach(r -> ports.add(r.port()));
        return ports;
    }

    @Test
    void readOnlyWorkRunsOnAReplicaAndWritesOnThePrimary() {
        Probe.Where read = probe().whereRead();
        assertThat(read.inRecovery()).isTrue();
        assertThat(replicaPorts()).contains(read.port());
        Probe.Where write = probe().whereWrite();
        assertThat(write.inRecovery()).isFalse();
        assertThat(write.port())
                .isEqualTo(TestCluster.shared().cluster().primary().port());
    }

    @Test
    void aWriteInsideReadOnlyWorkFailsLoudly() {
        assertThatThrownBy(() -> probe().writeInReadOnly())
                .isInstanceOf(DataAccessException.class)
                .satisfies(e -> assertThat(sqlState(e)).isEqualTo("25006"));
    }

    @Test
    void onPrimaryForcesThePrimaryForAFreshRead() {
        Probe.Where where = DataTier.onPrimary(() -> probe().whereRead());
        assertThat(where.inRecovery()).isFalse();
    }

    @Test
    void readsAreSpreadOverBothReplicas() throws InterruptedException {
        // a write of an earlier test can hold a replica out of rotation (lag) for a poll interval,
        // and 50 reads take a few milliseconds: spreading is promised over replicas in rotation
        ReplicaMonitor monitor = app().bean(ReplicaMonitor.class);
        Await.until(
                Duration.ofSeconds(10),
                () -> monitor.statuses().size() == 2
                                && monitor.statuses().stream().allMatch(ReplicaMonitor.Status::inRotation)
                        ? Boolean.TRUE
                        : null);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            seen.add(probe().whereRead().port());
        }
        assertThat(seen).as("replicas %s", monitor.statuses()).containsExactlyInAnyOrderElementsOf(replicaPorts());
    }

    @Test
    void aWriteAnswersWithItsConsistencyTokenAndAReadWithItSeesTheWrite() {
        HttpResponse<String> written = app().send("POST", "/probe/rows", null, null, Map.of());
        assertThat(written.statusCode()).isEqualTo(200);
        String token = written.headers().firstValue("Classbase-Consistency").orElseThrow();
        assertThat(Lsn.parse(token)).isPresent();
        assertThat(written.headers().allValues("Set-Cookie"))
                .anyMatch(c -> c.startsWith("classbase_consistency=" + token));
        long id = TestApp.json(written).path("id").asLong();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> read =
                    app().send("GET", "/probe/rows/" + id, null, null, Map.of("Classbase-Consistency", token));
            assertThat(read.statusCode()).as("read %d with the token", i).isEqualTo(200);
            assertThat(read.headers().firstValue("Classbase-Read-Source")).isPresent();
        }
    }

    @Test
    void aMalformedTokenSendsReadsToThePrimaryWithoutAnError() {
        for (String garbage : new String[] {"garbage", "0/", "ZZ/10", "1/2/3", "'; DROP TABLE rw_probe; --"}) {
            HttpResponse<String> read =
                    app().send("GET", "/probe/rows/1", null, null, Map.of("Classbase-Consistency", garbage));
            assertThat(read.statusCode()).isIn(200, 404);
            assertThat(read.headers().firstValue("Classbase-Read-Source")).hasValue("primary (token-malformed)");
        }
    }

    @Test
    void aForgedFarFutureTokenSendsReadsToThePrimary() {
        HttpResponse<String> written = app().send("POST", "/probe/rows", null, null, Map.of());
        long id = TestApp.json(written).path("id").asLong();
        HttpResponse<String> read = app().send(
                        "GET", "/probe/rows/" + id, null, null, Map.of("Classbase-Consistency", "FFFFFFFF/FFFFFFFF"));
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("Classbase-Read-Source")).hasValue("primary (token-not-replayed)");
        assertThat(TestApp.json(read).at("/where/inRecovery").asBoolean(true)).isFalse();
    }

    @Test
    void theReadMetricsSayWhereReadsWent() {
        probe().whereRead();
        var registry = app().bean(io.micrometer.core.instrument.MeterRegistry.class);
        double replicaReads = registry.find("classbase.reads").tag("role", "app").counters().stream()
                .filter(c -> c.getId().getTag("target").startsWith("replica"))
                .mapToDouble(io.micrometer.core.instrument.Counter::count)
                .sum();
        assertThat(replicaReads).isPositive();
    }

    /** The first SQLSTATE in the cause chain. */
    private static String sqlState(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }
}
