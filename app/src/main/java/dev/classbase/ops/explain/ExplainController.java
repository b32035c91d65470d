package dev.classbase.ops.explain;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/v1/admin/database/explain {"sql": "SELECT ...", "analyze": false}}. */
@RestController
class ExplainController {
    private final ExplainQueries explain;

    ExplainController(ExplainQueries explain) {
        this.explain = explain;
    }

    record ExplainRequest(String sql, Boolean analyze) {}

    @PostMapping("/api/v1/admin/database/explain")
    ExplainQueries.Explained explain(@RequestBody ExplainRequest request) {
        return explain.explain(request.sql(), Boolean.TRUE.equals(request.analyze()));
    }
}
