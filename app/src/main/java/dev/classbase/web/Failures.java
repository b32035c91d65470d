package dev.classbase.web;

import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLTransientConnectionException;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * Turns an unexpected exception into the problem the client sees. Database trouble the client can
 * retry (pool exhausted, statement timeout, lost connection, serialization failure after the
 * retries) is a 503 with {@code Retry-After}; constraint violations and data exceptions (SQLSTATE
 * class 22: NUL in text, a number out of its column's range) are the client's 4xx; anything
 * else is a 500 with an error id, and its stack trace goes to the log only.
 */
final class Failures {
    private static final Logger log = LoggerFactory.getLogger(Failures.class);
    // Hikari's message starts with the pool name: "primary - Connection is not available, ..."
    private static final Pattern POOL_NAME = Pattern.compile("[A-Za-z0-9_-]{1,40}");

    /** A problem and the headers that go with it. */
    record Rendered(ProblemDetail problem, HttpHeaders headers) {}

    private final MeterRegistry registry;

    Failures(MeterRegistry registry) {
        this.registry = registry;
    }

    Rendered render(Throwable failure, String path) {
        SQLTransientConnectionException exhausted = find(failure, SQLTransientConnectionException.class);
        if (exhausted != null) {
            registry.counter("classbase.pool.exhausted", "pool", poolName(exhausted))
                    .increment();
            log.warn("no database connection available for {}: {}", path, exhausted.getMessage());
            return retryLater("The server is busy; try again in a moment.");
        }
        if (find(failure, InvalidParameterException.class) != null) {
            // Tomcat could not parse the parameters (a form body's bytes, too many parameters)
            return plain(HttpStatus.BAD_REQUEST, "Invalid request", "The request's parameters could not be read.");
        }
        String state = sqlState(failure);
        if (state != null) {
            Rendered rendered = bySqlState(state, failure, path);
            if (rendered != null) {
                return rendered;
            }
        }
        if (find(failure, org.springframework.dao.DataAccessResourceFailureException.class) != null
                || find(failure, org.springframework.dao.TransientDataAccessResourceException.class) != null) {
            // the database could not be used (a connection closed under the work, a server going
            // away), not a fault of the request or of our code
            log.warn("database unavailable on {}: {}", path, failure.getMessage());
            return retryLater("The database is unavailable; try again in a moment.");
        }
        String errorId = UUID.randomUUID().toString();
        log.error("unexpected error {} on {}", errorId, path, failure);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.INTERNAL_SERVER_ERROR,
                "Something went wrong on our side. Quote error id " + errorId + " when reporting it.");
        problem.setTitle("Internal error");
        problem.setProperty("errorId", errorId);
        return new Rendered(problem, new HttpHeaders());
    }

    private Rendered bySqlState(String state, Throwable failure, String path) {
        // PostgreSQL error codes, Appendix A of the manual
        switch (state) {
            case "57014" -> { // query_canceled: statement_timeout
                registry.counter("classbase.statement.timeout").increment();
                log.warn("statement timeout on {}: {}", path, failure.getMessage());
                return retryLater("The request took too long and was cancelled; try again in a moment.");
            }
            case "40001", "40P01" -> { // serialization failure or deadlock after the retries
                log.warn("transaction conflict on {} after retries: {}", path, failure.getMessage());
                return retryLater("The request conflicted with another one; try again.");
            }
            case "23505" -> { // unique_violation
                return plain(HttpStatus.CONFLICT, "Conflict", "That record already exists.");
            }
            case "23503" -> { // foreign_key_violation: a referenced id that this tenant does not have
                return plain(HttpStatus.NOT_FOUND, "Not found", "A referenced record was not found.");
            }
            case "23502", "23514" -> { // not_null_violation, check_violation
                return plain(HttpStatus.BAD_REQUEST, "Invalid request", "A value is missing or out of range.");
            }
            case "22021", "22P05" -> { // character_not_in_repertoire, untranslatable_character: NUL in text or jsonb
                return plain(
                        HttpStatus.BAD_REQUEST,
                        "Invalid request",
                        "A text value holds a character the database cannot store (NUL, U+0000).");
            }
            default -> {
                if (state.startsWith("22")) { // data_exception: a value out of range or malformed for its column
                    return plain(HttpStatus.BAD_REQUEST, "Invalid request", "A value is out of range or malformed.");
                }
                if (state.startsWith("08") || state.startsWith("57P")) { // connection lost, server shutting down
                    log.warn("database unavailable on {}: {}", path, failure.getMessage());
                    return retryLater("The database is unavailable; try again in a moment.");
                }
                return null;
            }
        }
    }

    private static Rendered retryLater(String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail);
        problem.setTitle("Service unavailable");
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, "1");
        return new Rendered(problem, headers);
    }

    private static Rendered plain(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return new Rendered(problem, new HttpHeaders());
    }

    private static String poolName(SQLTransientConnectionException e) {
        String message = e.getMessage();
        int dash = message == null ? -1 : message.indexOf(" - ");
        String name = dash > 0 ? message.substring(0, dash) : "";
        return POOL_NAME.matcher(name).matches() ? name : "unknown";
    }

    private static String sqlState(Throwable failure) {
        return dev.classbase.data.SqlStates.of(failure);
    }

    static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
