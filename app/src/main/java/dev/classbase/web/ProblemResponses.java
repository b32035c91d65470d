package dev.classbase.web;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds RFC 9457 problems, for the controller advice and for servlet filters that answer before
 * any controller runs (the authentication filter's 401 and 403).
 */
@Component
public class ProblemResponses {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Failures failures;

    ProblemResponses(MeterRegistry registry) {
        this.failures = new Failures(registry);
    }

    /** The problem for an {@link ApiException}. */
    public static ProblemDetail problem(ApiException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
        problem.setTitle(e.title());
        e.properties().forEach(problem::setProperty);
        return problem;
    }

    /** Writes {@code e} as problem+json, for filters; {@code headers} are added (e.g. WWW-Authenticate). */
    public void write(HttpServletRequest request, HttpServletResponse response, ApiException e, HttpHeaders headers)
            throws IOException {
        write(request, response, problem(e), headers);
    }

    /** Writes an unexpected failure (a database outage while authenticating, say) as problem+json. */
    public void writeFailure(HttpServletRequest request, HttpServletResponse response, Throwable failure)
            throws IOException {
        Failures.Rendered rendered = failures.render(failure, request.getRequestURI());
        write(request, response, rendered.problem(), rendered.headers());
    }

    ResponseEntity<Object> failure(Throwable failure, String path) {
        Failures.Rendered rendered = failures.render(failure, path);
        rendered.problem().setInstance(URI.create(path));
        return entity(rendered.problem(), rendered.headers());
    }

    static ResponseEntity<Object> entity(ProblemDetail problem, HttpHeaders headers) {
        return ResponseEntity.status(HttpStatusCode.valueOf(problem.getStatus()))
                .headers(headers)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    private static void write(
            HttpServletRequest request, HttpServletResponse response, ProblemDetail problem, HttpHeaders headers)
            throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(problem.getStatus());
        headers.forEach((name, values) -> values.forEach(v -> response.addHeader(name, v)));
        // no charset parameter: JSON is UTF-8 by definition (RFC 8259 section 8.1), and the advice's
        // responses carry the bare media type too; Jackson writes UTF-8 bytes to the stream
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        Map<String, Object> body = new LinkedHashMap<>();
        // Spring 7 leaves the type unset (null) unless given; RFC 9457 section 4.2.1: absent means about:blank
        URI type = problem.getType();
        body.put("type", type == null ? "about:blank" : type.toString());
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus());
        body.put("detail", problem.getDetail());
        body.put("instance", request.getRequestURI());
        if (problem.getProperties() != null) {
            body.putAll(problem.getProperties());
        }
        JSON.writeValue(response.getOutputStream(), body);
    }
}
