package dev.classbase.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;

/**
 * A database that could not be used is the server's 503 with Retry-After, never a 500: a connection
 * that HikariCP had already closed under the work (its stand-in SQLException carries no SQLSTATE),
 * wrapped the way a hand-written JDBC read wraps it.
 */
class FailuresTests {
    private final Failures failures = new Failures(new SimpleMeterRegistry());

    @Test
    void aConnectionClosedUnderTheWorkIs503() {
        Failures.Rendered rendered = failures.render(
                new DataAccessResourceFailureException(
                        "dashboard read failed: Connection is closed", new SQLException("Connection is closed")),
                "/api/v1/dashboard/course-analytics");
        assertThat(rendered.problem().getStatus()).isEqualTo(503);
        assertThat(rendered.headers().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
    }

    @Test
    void aResourceFailureWithoutSqlStateIs503() {
        Failures.Rendered rendered = failures.render(
                new DataAccessResourceFailureException("the server went away", new SQLException("I/O error")),
                "/api/v1/courses");
        assertThat(rendered.problem().getStatus()).isEqualTo(503);
    }

    @Test
    void anythingElseIsStill500WithAnErrorId() {
        Failures.Rendered rendered = failures.render(new IllegalStateException("a bug"), "/api/v1/courses");
        assertThat(rendered.problem().getStatus()).isEqualTo(500);
        assertThat(rendered.problem().getProperties()).containsKey("errorId");
    }
}
