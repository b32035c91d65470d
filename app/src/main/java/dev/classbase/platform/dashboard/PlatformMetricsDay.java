package dev.classbase.platform.dashboard;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * One day of the platform-metrics dashboard: learning sessions started and their minutes,
 * submissions handed in, quiz attempts started (UTC days, as mv_daily_platform_metrics counts them).
 */
record PlatformMetricsDay(
        LocalDate day, long learningSessions, long learningMinutes, long submissions, long quizAttempts) {

    /** Every day of a range: the days the view has a row for, zeros for the others. */
    static final class Days {
        private final LocalDate from;
        private final PlatformMetricsDay[] days;

        Days(LocalDate from, LocalDate to) {
            this.from = from;
            this.days = new PlatformMetricsDay[Math.toIntExact(ChronoUnit.DAYS.between(from, to) + 1)];
        }

        /** A row of {@link DashboardQueries#platformMetrics()}. */
        void add(ResultSet rs) throws SQLException {
            LocalDate day = rs.getObject("day", LocalDate.class);
            days[Math.toIntExact(ChronoUnit.DAYS.between(from, day))] = new PlatformMetricsDay(
                    day,
                    rs.getLong("learning_sessions"),
                    rs.getLong("learning_minutes"),
                    rs.getLong("submissions"),
                    rs.getLong("quiz_attempts"));
        }

        List<PlatformMetricsDay> items() {
            List<PlatformMetricsDay> items = new ArrayList<>(days.length);
            for (int i = 0; i < days.length; i++) {
                items.add(days[i] != null ? days[i] : new PlatformMetricsDay(from.plusDays(i), 0, 0, 0, 0));
            }
            return items;
        }
    }
}
