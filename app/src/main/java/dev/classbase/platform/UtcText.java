package dev.classbase.platform;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * A time as {@code uuuu-MM-ddTHH:mm:ss.<fraction>Z} at UTC, written digit by digit: where a request
 * writes hundreds or thousands of times (a portfolio export, an event batch), java.time's formatter
 * took a tenth of its CPU or more. Years 0 to 9999 only; the callers' formatters write the others
 * (a sign and more digits).
 */
public final class UtcText {
    private UtcText() {}

    /**
     * @param fractionDigits 6 (microseconds, truncated as the formatter's {@code SSSSSS} truncates)
     *     or 9 (nanoseconds)
     * @return the text, or null when the year at UTC is outside 0 to 9999
     */
    public static String format(OffsetDateTime value, int fractionDigits) {
        if (fractionDigits != 6 && fractionDigits != 9) {
            throw new IllegalArgumentException("6 or 9 fraction digits, not " + fractionDigits);
        }
        OffsetDateTime utc =
                value.getOffset().equals(ZoneOffset.UTC) ? value : value.withOffsetSameInstant(ZoneOffset.UTC);
        int year = utc.getYear();
        if (year < 0 || year > 9999) {
            return null;
        }
        byte[] text = new byte[21 + fractionDigits]; // uuuu-MM-ddTHH:mm:ss.<fraction>Z
        digits(text, 0, 4, year);
        text[4] = '-';
        digits(text, 5, 2, utc.getMonthValue());
        text[7] = '-';
        digits(text, 8, 2, utc.getDayOfMonth());
        text[10] = 'T';
        digits(text, 11, 2, utc.getHour());
        text[13] = ':';
        digits(text, 14, 2, utc.getMinute());
        text[16] = ':';
        digits(text, 17, 2, utc.getSecond());
        text[19] = '.';
        digits(text, 20, fractionDigits, fractionDigits == 6 ? utc.getNano() / 1000 : utc.getNano());
        text[20 + fractionDigits] = 'Z';
        return new String(text, StandardCharsets.US_ASCII);
    }

    private static void digits(byte[] text, int at, int width, int value) {
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }
}
