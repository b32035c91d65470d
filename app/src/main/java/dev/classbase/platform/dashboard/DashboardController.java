package dev.classbase.platform.dashboard;

import dev.classbase.data.cache.CacheTags;
import dev.classbase.data.cache.CachedReads;
import dev.classbase.data.cache.RegionProperties;
import dev.classbase.web.auth.Caller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/dashboard/...}: daily activity and content metrics over
 * {@code from=YYYY-MM-DD&to=YYYY-MM-DD} (UTC days, inclusive), course analytics, instructor
 * performance and a student's learning summary, for admins and teachers of the token's tenant; the
 * platform metrics per day over the same kind of range, for its admins.
 * Every answer carries {@code asOf}.
 */
@RestController
@RequestMapping("/api/v1/dashboard")
class DashboardController {
    private final DashboardService service;
    private final CachedReads reads;

    DashboardController(DashboardService service, CachedReads reads) {
        this.service = service;
        this.reads = reads;
    }

    /** Answers read from rollups and views refreshed on a schedule: the analytics region, per asker. */
    private <T> T cached(Caller caller, Class<T> type, java.util.function.Supplier<T> loader, Object... params) {
        Object[] parts = new Object[params.length + 3];
        parts[0] = caller.tenantId();
        parts[1] = caller.userId();
        parts[2] = caller.role();
        System.arraycopy(params, 0, parts, 3, params.length);
        var read = new CachedReads.Read(
                RegionProperties.ANALYTICS,
                "dashboard|" + CachedReads.key(parts),
                java.util.List.of(CacheTags.analytics(caller.tenantId())),
                null);
        return reads.read(read, type, loader);
    }

    @GetMapping("/daily-activity")
    DashboardResponse dailyActivity(
            Caller caller, @RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        return cached(
                caller, DashboardResponse.class, () -> service.dailyActivity(caller, from, to), "daily", from, to);
    }

    @GetMapping("/content-metrics")
    DashboardResponse contentMetrics(
            Caller caller, @RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        return cached(
                caller, DashboardResponse.class, () -> service.contentMetrics(caller, from, to), "content", from, to);
    }

    @GetMapping("/platform-metrics")
    DashboardResponse platformMetrics(
            Caller caller, @RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        return cached(
                caller, DashboardResponse.class, () -> service.platformMetrics(caller, from, to), "platform", from, to);
    }

    @GetMapping("/course-analytics")
    DashboardResponse courseAnalytics(Caller caller) {
        return cached(caller, DashboardResponse.class, () -> service.courseAnalytics(caller), "courses");
    }

    @GetMapping("/instructor-performance")
    DashboardResponse instructorPerformance(Caller caller) {
        return cached(caller, DashboardResponse.class, () -> service.instructorPerformance(caller), "instructors");
    }

    @GetMapping("/users/{id}/learning-summary")
    LearningSummaryResponse learningSummary(Caller caller, @PathVariable String id) {
        long user = UserId.parse(id);
        var read = new CachedReads.Read(
                RegionProperties.ANALYTICS,
                CachedReads.key("summary", caller.tenantId(), caller.userId(), caller.role(), user),
                java.util.List.of(CacheTags.analytics(caller.tenantId()), CacheTags.user(caller.tenantId(), user)),
                null);
        return reads.read(read, LearningSummaryResponse.class, () -> service.learningSummary(caller, user));
    }
}
