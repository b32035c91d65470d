package dev.classbase.platform.atrisk;

import dev.classbase.web.auth.Caller;
import java.math.BigDecimal;
import java.time.LocalDate;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/courses/{courseId}/at-risk?scoreBelow=60&inactiveDays=14&asOf=2026-11-02}:
 * the course's active students with missing work, low scores or no recent activity.
 */
@RestController
class AtRiskController {
    private final AtRiskService service;

    AtRiskController(AtRiskService service) {
        this.service = service;
    }

    @GetMapping("/api/v1/courses/{courseId}/at-risk")
    AtRiskReport atRisk(
            Caller caller,
            @PathVariable long courseId,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate asOf,
            @RequestParam(required = false) BigDecimal scoreBelow,
            @RequestParam(required = false) Integer inactiveDays) {
        return service.report(caller, courseId, asOf, scoreBelow, inactiveDays);
    }
}
