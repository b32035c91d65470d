package dev.classbase.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.data.replicas.ReplicaMonitor;
import dev.classbase.data.retry.RetryableTransaction;
import dev.classbase.testsupport.Await;
import dev.classbase.testsupport.TestApp;
import java.time.Duration;
import java.util.List;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A tiny feature for the data tier's tests: its statements ask the server where they ran
 * ({@code inet_server_port()}, {@code pg_is_in_recovery()}), so routing is asserted by the database
 * itself, not by mocks. Table {@code rw_probe} is created by {@link #createTable}.
 */
@Import({Probe.Service.class, Probe.Controller.class})
public class Probe {

    /** Where a statement ran. */
    public record Where(int port, boolean inRecovery) {}

    public record Row(long id, Where where) {}

    public static void createTable(javax.sql.DataSource owner) throws java.sql.SQLException {
        try (var c = owner.getConnection();
                var s = c.createStatement()) {
            s.execute(
                    "CREATE TABLE IF NOT EXISTS rw_probe (id bigserial PRIMARY KEY, op text, created_at timestamptz DEFAULT now())");
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON rw_probe TO classbase_app");
            s.execute("GRANT USAGE, SELECT ON SEQUENCE rw_probe_id_seq TO classbase_app");
        }
    }

    /** Waits until {@code count} replicas are in the read rotation. */
    public static void awaitReplicasInRotation(TestApp app, int count) throws InterruptedException {
        ReplicaMonitor monitor = app.bean(ReplicaMonitor.class);
        Boolean ready = Await.until(
                Duration.ofSeconds(30),
                () -> monitor.statuses().stream()
                                        .filter(ReplicaMonitor.Status::inRotation)
                                        .count()
                                >= count
                        ? Boolean.TRUE
                        : null);
        assertThat(ready).as("replicas in rotation: %s", monitor.statuses()).isTrue();
    }

    @org.springframework.stereotype.Service
    public static class Service {
        private static final String WHERE = "SELECT inet_server_port() AS port, pg_is_in_recovery() AS in_recovery";
        private final JdbcClient jdbc;

        Service(JdbcClient jdbc) {
            this.jdbc = jdbc;
        }

        @Transactional(readOnly = true)
        public Where whereRead() {
            return jdbc.sql(WHERE).query(Where.class).single();
        }

        @Transactional
        public Where whereWrite() {
            return jdbc.sql(WHERE).query(Where.class).single();
        }

        @Transactional(readOnly = true)
        public void writeInReadOnly() {
            jdbc.sql("INSERT INTO rw_probe (op) VALUES ('must fail')").update();
        }

        @Transactional
        public Row insert(String op) {
            long id = jdbc.sql("INSERT INTO rw_probe (op) VALUES (?) RETURNING id")
                    .param(op)
                    .query(Long.class)
                    .single();
            return new Row(id, whereWrite());
        }

        @Transactional
        @RetryableTransaction(maxAttempts = 8)
        public long insertRetryable(String op) {
            return jdbc.sql("INSERT INTO rw_probe (op) VALUES (?) RETURNING id")
                    .param(op)
                    .query(Long.class)
                    .single();
        }

        /** The row and where it was read; empty when this server has not got it yet. */
        @Transactional(readOnly = true)
        public java.util.Optional<Row> find(long id) {
            List<Long> ids = jdbc.sql("SELECT id FROM rw_probe WHERE id = ?")
                    .param(id)
                    .query(Long.class)
                    .list();
            return ids.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(new Row(ids.get(0), whereRead()));
        }

        /** One statement in one read-only transaction: the unit the data-tier benchmark times. */
        @Transactional(readOnly = true)
        public long lookup(long id) {
            return jdbc.sql("SELECT count(*) FROM rw_probe WHERE id = ?")
                    .param(id)
                    .query(Long.class)
                    .single();
        }

        @Transactional(readOnly = true)
        public long slowRead(double seconds) {
            return jdbc.sql("SELECT count(*) FROM pg_sleep(?)")
                    .param(seconds)
                    .query(Long.class)
                    .single();
        }
    }

    @RestController
    public static class Controller {
        private final Service service;

        Controller(Service service) {
            this.service = service;
        }

        @PostMapping("/probe/rows")
        Row write() {
            return service.insert("http");
        }

        @GetMapping("/probe/rows/{id}")
        ResponseEntity<Row> read(@PathVariable long id) {
            return service.find(id)
                    .map(ResponseEntity::ok)
                    .orElse(ResponseEntity.notFound().build());
        }
    }
}
