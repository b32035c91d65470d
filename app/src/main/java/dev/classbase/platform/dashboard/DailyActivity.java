package dev.classbase.platform.dashboard;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** One day of the daily-activity dashboard: distinct active users (by role), events, actions. */
record DailyActivity(
        LocalDate day, long activeUsers, long activeTeachers, long activeStudents, long events, long actions) {

    /**
     * Every day of a range, from {@link DashboardQueries#dailyActivity()}'s rows: the days with
     * activity come from the database, the others are zeros.
     */
    static final class Days {
        private static final int USERS = 0;
        private static final int TEACHERS = 1;
        private static final int STUDENTS = 2;
        private static final int EVENTS = 3;
        private static final int ACTIONS = 4;

        private final LocalDate from;
        private final long[][] counts;
        private OffsetDateTime asOf;

        Days(LocalDate from, LocalDate to) {
            this.from = from;
            this.counts = new long[Math.toIntExact(ChronoUnit.DAYS.between(from, to) + 1)][5];
        }

        /** A row: the as-of row (no day) or one day's numbers. */
        void add(ResultSet rs) throws SQLException {
            LocalDate day = rs.getObject("day", LocalDate.class);
            if (day == null) {
                asOf = rs.getObject("as_of", OffsetDateTime.class);
                return;
            }
            long[] c = counts[Math.toIntExact(ChronoUnit.DAYS.between(from, day))];
            c[USERS] = rs.getLong("active_users");
            c[TEACHERS] = rs.getLong("active_teachers");
            c[STUDENTS] = rs.getLong("active_students");
            c[EVENTS] = rs.getLong("events");
            c[ACTIONS] = rs.getLong("actions");
        }

        /** When the rollups last ran (null before the first run). */
        OffsetDateTime asOf() {
            return asOf;
        }

        List<DailyActivity> items() {
            List<DailyActivity> items = new ArrayList<>(counts.length);
            for (int i = 0; i < counts.length; i++) {
                long[] c = counts[i];
                items.add(
                        new DailyActivity(from.plusDays(i), c[USERS], c[TEACHERS], c[STUDENTS], c[EVENTS], c[ACTIONS]));
            }
            return items;
        }
    }
}
