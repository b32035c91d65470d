package dev.classbase.ops.explain;

import dev.classbase.web.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/admin/database/explain {"sql": "SELECT ...", "analyze": false, "tenantId": 1}}:
 * {@code tenantId} (optional) is the tenant row-level security shows the statement; without it, none.
 */
@RestController
class ExplainController {
    private final ExplainQueries explain;

    ExplainController(ExplainQueries explain) {
        this.explain = explain;
    }

    record ExplainRequest(String sql, Boolean analyze, Long tenantId) {}

    @PostMapping("/api/v1/admin/database/explain")
    ExplainQueries.Explained explain(@RequestBody ExplainRequest request) {
        return explain.explain(request.sql(), Boolean.TRUE.equals(request.analyze()), request.tenantId());
    }

    /** Every EXPLAIN slot taken, or no server: 503 with Retry-After (RFC 9110 section 10.2.3). */
    @ExceptionHandler(ExplainSandbox.Busy.class)
    ResponseEntity<ProblemDetail> busy(ExplainSandbox.Busy e, HttpServletRequest request) {
        ProblemDetail problem = ProblemResponses.problem(e);
        problem.setInstance(URI.create(request.getRequestURI()));
        return ResponseEntity.status(e.status())
                .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }
}
