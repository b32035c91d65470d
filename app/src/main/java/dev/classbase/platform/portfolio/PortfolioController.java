package dev.classbase.platform.portfolio;

import dev.classbase.web.auth.Caller;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/portfolios/{id}/export}: the portfolio as one JSON document, streamed as its
 * entries are read (shape in {@link PortfolioExport}). The body is written on the request thread,
 * not in a {@code StreamingResponseBody}, so the query watch counts the export's statements.
 */
@RestController
class PortfolioController {
    private final PortfolioService service;

    PortfolioController(PortfolioService service) {
        this.service = service;
    }

    @GetMapping("/api/v1/portfolios/{id}/export")
    void export(Caller caller, @PathVariable long id, HttpServletResponse response) {
        service.export(caller, id, () -> {
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Content-Disposition", "inline; filename=\"portfolio-" + id + ".json\"");
            return response.getOutputStream();
        });
    }
}
