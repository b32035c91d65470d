package dev.classbase.platform.atrisk;

import dev.classbase.web.ApiException;
import dev.classbase.web.auth.Caller;
import dev.classbase.web.auth.Role;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** At-risk detection for one course: one statement, whatever the size of the course. */
@Service
public class AtRiskService {
    /** A grade average below 60 % is a D or worse on the usual US scale. */
    static final BigDecimal DEFAULT_SCORE_BELOW = BigDecimal.valueOf(60);
    /** Two weeks without any activity: the generated dataset's at-risk students go quiet for three. */
    static final int DEFAULT_INACTIVE_DAYS = 14;

    static final int MAX_INACTIVE_DAYS = 365;

    /**
     * The days a report can be asked for: Java's dates go far past PostgreSQL's timestamptz (which
     * ends in 294276 AD) and past LocalDate.MAX, where the end of the day no longer exists.
     */
    static final LocalDate FIRST_DAY = LocalDate.of(1970, 1, 1);

    static final LocalDate LAST_DAY = LocalDate.of(9999, 12, 31);

    private final AtRiskQueries queries;
    private final Clock clock = Clock.systemUTC();

    AtRiskService(AtRiskQueries queries) {
        this.queries = queries;
    }

    /**
     * The report for a course's teacher or an admin.
     *
     * @param asOfDay null for now, else the report as of the end of that day (UTC)
     * @param scoreBelow null for 60, else 0 to 100
     * @param inactiveDays null for 14, else 1 to 365
     */
    @Transactional(readOnly = true)
    public AtRiskReport report(
            Caller caller, long courseId, LocalDate asOfDay, BigDecimal scoreBelow, Integer inactiveDays) {
        BigDecimal threshold = scoreBelow == null ? DEFAULT_SCORE_BELOW : scoreBelow;
        if (threshold.signum() < 0 || threshold.compareTo(BigDecimal.valueOf(100)) > 0) {
            throw ApiException.badRequest("scoreBelow", "must be between 0 and 100");
        }
        int days = inactiveDays == null ? DEFAULT_INACTIVE_DAYS : inactiveDays;
        if (days < 1 || days > MAX_INACTIVE_DAYS) {
            throw ApiException.badRequest("inactiveDays", "must be between 1 and " + MAX_INACTIVE_DAYS);
        }
        if (asOfDay != null && (asOfDay.isBefore(FIRST_DAY) || asOfDay.isAfter(LAST_DAY))) {
            throw ApiException.badRequest("asOf", "must be a day between " + FIRST_DAY + " and " + LAST_DAY);
        }
        if (caller.role() == Role.STUDENT) {
            throw ApiException.forbidden("the at-risk report is for the course's teacher and admins");
        }
        Instant asOf = asOfDay == null
                ? clock.instant()
                : asOfDay.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        // an admin reads any course of the tenant; a teacher gets the students of their own only
        Long instructor = caller.isAdmin() ? null : caller.userId();
        AtRiskQueries.Report report = queries.atRisk(caller.tenantId(), courseId, instructor, asOf, threshold, days)
                .orElseThrow(() -> ApiException.notFound("course " + courseId));
        if (!caller.isAdmin() && report.course().instructorId() != caller.userId()) {
            throw ApiException.forbidden("teachers see the at-risk report of their own courses only");
        }
        return new AtRiskReport(
                courseId,
                asOf,
                new AtRiskReport.Criteria(threshold, days),
                report.course().enrolled(),
                report.students());
    }
}
