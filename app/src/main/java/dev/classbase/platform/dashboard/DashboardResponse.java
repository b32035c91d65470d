package dev.classbase.platform.dashboard;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A dashboard answer: {@code asOf} is when its data was last refreshed (the rollups' watermark time,
 * or the view's last refresh; null before the first), {@code from}/{@code to} the range for the
 * dated ones (else null), {@code items} the rows (a view's columns by name, or {@link DailyActivity}
 * days).
 */
record DashboardResponse(OffsetDateTime asOf, LocalDate from, LocalDate to, List<?> items) {}
