package dev.classbase.platform.dashboard;

import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Caller;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Service;

/**
 * The dashboards of admins and teachers, for the caller's tenant, from the rollups (daily activity)
 * and the materialized views (the rest), on the analytics pool. Each answer costs a fixed number of
 * statements (the tenant binding and one or two reads) whatever the tenant's size. Teachers see their
 * own courses and their own instructor line; admins see the whole tenant.
 */
@Service
@EnableConfigurationProperties(DashboardProperties.class)
class DashboardService {
    private final AnalyticsReads reads;
    private final DashboardProperties properties;
    private final Clock clock;

    @Autowired
    DashboardService(AnalyticsReads reads, DashboardProperties properties) {
        this(reads, properties, Clock.systemUTC());
    }

    DashboardService(AnalyticsReads reads, DashboardProperties properties, Clock clock) {
        this.reads = reads;
        this.properties = properties;
        this.clock = clock;
    }

    DashboardResponse dailyActivity(Caller caller, String from, String to) {
        allow(caller);
        DateRange range = range(from, to);
        DailyActivity.Days days = new DailyActivity.Days(range.from(), range.to());
        reads.read(caller.tenantId(), s -> {
            s.each(days::add, DashboardQueries.dailyActivity(), caller.tenantId(), range.from(), range.to());
            return null;
        });
        return new DashboardResponse(days.asOf(), range.from(), range.to(), days.items());
    }

    DashboardResponse contentMetrics(Caller caller, String from, String to) {
        allow(caller);
        DateRange range = range(from, to);
        return reads.read(caller.tenantId(), s -> {
            OffsetDateTime asOf = asOf(s, "mv_content_metrics");
            List<Map<String, Object>> rows =
                    asOf == null ? List.of() : s.rows(DashboardQueries.contentMetrics(), range.from(), range.to());
            return new DashboardResponse(asOf, range.from(), range.to(), rows);
        });
    }

    /**
     * Per day: learning sessions and minutes, submissions, quiz attempts, from mv_daily_platform_metrics
     * (refreshed hourly; its asOf). Tenant-wide totals, so for the tenant's admins only. Daily active
     * users are not repeated here: {@link #dailyActivity} counts them from the rollups, current to the
     * last commit, where the view is as old as its last refresh.
     */
    DashboardResponse platformMetrics(Caller caller, String from, String to) {
        if (!caller.isAdmin()) {
            throw ApiException.forbidden("the platform metrics are for the tenant's admins");
        }
        DateRange range = range(from, to);
        PlatformMetricsDay.Days days = new PlatformMetricsDay.Days(range.from(), range.to());
        return reads.read(caller.tenantId(), s -> {
            OffsetDateTime asOf = asOf(s, "mv_daily_platform_metrics");
            if (asOf == null) {
                return new DashboardResponse(null, range.from(), range.to(), List.of());
            }
            s.each(days::add, DashboardQueries.platformMetrics(), range.from(), range.to());
            return new DashboardResponse(asOf, range.from(), range.to(), days.items());
        });
    }

    DashboardResponse courseAnalytics(Caller caller) {
        allow(caller);
        Long instructor = caller.isAdmin() ? null : caller.userId();
        return reads.read(caller.tenantId(), s -> {
            OffsetDateTime asOf = asOf(s, "mv_course_analytics");
            List<Map<String, Object>> rows =
                    asOf == null ? List.of() : s.rows(DashboardQueries.courseAnalytics(), instructor, instructor);
            return new DashboardResponse(asOf, null, null, rows);
        });
    }

    DashboardResponse instructorPerformance(Caller caller) {
        allow(caller);
        Long instructor = caller.isAdmin() ? null : caller.userId();
        return reads.read(caller.tenantId(), s -> {
            OffsetDateTime asOf = asOf(s, "mv_instructor_performance");
            List<Map<String, Object>> rows =
                    asOf == null ? List.of() : s.rows(DashboardQueries.instructorPerformance(), instructor, instructor);
            return new DashboardResponse(asOf, null, null, rows);
        });
    }

    LearningSummaryResponse learningSummary(Caller caller, long userId) {
        allow(caller);
        return reads.read(caller.tenantId(), s -> {
            OffsetDateTime asOf = asOf(s, "mv_user_learning_summary");
            List<Map<String, Object>> rows =
                    asOf == null ? List.of() : s.rows(DashboardQueries.learningSummary(), userId);
            if (rows.isEmpty()) {
                throw ApiException.notFound("learning summary of user " + userId);
            }
            return new LearningSummaryResponse(asOf, rows.getFirst());
        });
    }

    private DateRange range(String from, String to) {
        return DateRange.parse(from, to, properties, LocalDate.now(clock));
    }

    private static OffsetDateTime asOf(AnalyticsReads.Session s, String view) throws java.sql.SQLException {
        List<Map<String, Object>> rows = s.rows(DashboardQueries.viewAsOf(), view);
        return rows.isEmpty() ? null : (OffsetDateTime) rows.getFirst().get("refreshedAt");
    }

    private static void allow(Caller caller) {
        if (!caller.isAdmin() && !caller.isTeacher()) {
            throw ApiException.forbidden("the dashboards are for teachers and admins");
        }
    }
}
