package dev.classbase.platform.dashboard;

import dev.classbase.web.auth.Caller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/dashboard/...}: daily activity and content metrics over
 * {@code from=YYYY-MM-DD&to=YYYY-MM-DD} (UTC days, inclusive), course analytics, instructor
 * performance and a student's learning summary, for admins and teachers of the token's tenant.
 * Every answer carries {@code asOf}.
 */
@RestController
@RequestMapping("/api/v1/dashboard")
class DashboardController {
    private final DashboardService service;

    DashboardController(DashboardService service) {
        this.service = service;
    }

    @GetMapping("/daily-activity")
    DashboardResponse dailyActivity(
            Caller caller, @RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        return service.dailyActivity(caller, from, to);
    }

    @GetMapping("/content-metrics")
    DashboardResponse contentMetrics(
            Caller caller, @RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        return service.contentMetrics(caller, from, to);
    }

    @GetMapping("/course-analytics")
    DashboardResponse courseAnalytics(Caller caller) {
        return service.courseAnalytics(caller);
    }

    @GetMapping("/instructor-performance")
    DashboardResponse instructorPerformance(Caller caller) {
        return service.instructorPerformance(caller);
    }

    @GetMapping("/users/{id}/learning-summary")
    LearningSummaryResponse learningSummary(Caller caller, @PathVariable String id) {
        return service.learningSummary(caller, UserId.parse(id));
    }
}
