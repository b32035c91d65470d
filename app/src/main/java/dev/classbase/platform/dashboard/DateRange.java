package dev.classbase.platform.dashboard;

import dev.classbase.web.ApiException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** An inclusive range of UTC days, from the request's {@code from} and {@code to} (YYYY-MM-DD). */
record DateRange(LocalDate from, LocalDate to) {

    /**
     * Missing {@code to} is today, missing {@code from} the default range ending at {@code to}; a
     * malformed date, {@code from} after {@code to}, or more than the maximum days is a 400 naming
     * the parameter at fault.
     */
    static DateRange parse(String from, String to, DashboardProperties properties, LocalDate today) {
        LocalDate end = to == null ? today : date("to", to);
        LocalDate start = from == null ? end.minusDays(properties.defaultRangeDays() - 1L) : date("from", from);
        if (start.isAfter(end)) {
            throw ApiException.badRequest("from", "from (" + start + ") is after to (" + end + ")");
        }
        long days = ChronoUnit.DAYS.between(start, end) + 1;
        if (days > properties.maxRangeDays()) {
            throw ApiException.badRequest(
                    to == null ? "from" : "to",
                    "the range is " + days + " days; at most " + properties.maxRangeDays() + " are allowed");
        }
        return new DateRange(start, end);
    }

    private static LocalDate date(String parameter, String value) {
        try {
            return LocalDate.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(parameter, parameter + " must be a date as YYYY-MM-DD, not '" + value + "'");
        }
    }
}
