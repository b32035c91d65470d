package dev.classbase.ops.tune;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes and durations the way postgresql.conf writes them ("2GB", "512MB", "30s", "5min"): parsed
 * from the command line, formatted for the snippet, and read back from {@code pg_settings} (whose
 * {@code setting} is in the unit of its {@code unit} column, e.g. shared_buffers in 8kB pages).
 */
public final class Units {
    public static final long KB = 1024;
    public static final long MB = 1024 * KB;
    public static final long GB = 1024 * MB;
    public static final long TB = 1024 * GB;

    static final String VALID_SIZE_UNITS = "kB, MB, GB, TB (e.g. 8GB, 512MB)";

    private static final Pattern VALUE = Pattern.compile("\\s*(-?\\d+(?:\\.\\d+)?)\\s*([A-Za-z]*)\\s*");

    private Units() {}

    /** A size given on the command line; the message names the option and the valid units. */
    public static long parseSize(String option, String text) {
        Matcher m = text == null ? null : VALUE.matcher(text);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException(
                    option + " must be a size with a unit: " + VALID_SIZE_UNITS + ", got '" + text + "'");
        }
        BigDecimal number = new BigDecimal(m.group(1));
        if (number.signum() <= 0) {
            throw new IllegalArgumentException(option + " must be positive, got '" + text + "'");
        }
        if (m.group(2).isEmpty()) {
            throw new IllegalArgumentException(option + " needs a unit: " + VALID_SIZE_UNITS + ", got '" + text + "'");
        }
        Long unit = sizeUnit(m.group(2));
        if (unit == null) {
            throw new IllegalArgumentException(option + " has an unknown unit '" + m.group(2) + "': use "
                    + VALID_SIZE_UNITS + ", got '" + text + "'");
        }
        return number.multiply(BigDecimal.valueOf(unit)).longValue();
    }

    /** The largest of TB, GB, MB, kB that divides the size exactly, as SHOW prints it. */
    public static String formatBytes(long bytes) {
        if (bytes == 0) {
            return "0";
        }
        for (long unit : new long[] {TB, GB, MB, KB}) {
            if (bytes % unit == 0) {
                return bytes / unit + name(unit);
            }
        }
        return bytes + "B";
    }

    /** The largest of h, min, s, ms that divides the duration exactly; 0 means "off" for timeouts. */
    public static String formatMillis(long millis) {
        if (millis == 0) {
            return "0";
        }
        long[][] units = {{3_600_000, 'h'}, {60_000, 'm'}, {1_000, 's'}};
        for (long[] u : units) {
            if (millis % u[0] == 0) {
                return millis / u[0] + (u[1] == 'h' ? "h" : u[1] == 'm' ? "min" : "s");
            }
        }
        return millis + "ms";
    }

    /**
     * A {@code pg_settings} row's value in postgresql.conf form: {@code setting=262144, unit=8kB}
     * gives "2GB", {@code setting=60000, unit=ms} gives "1min". Negative values (-1: "auto" or
     * "use the other setting") and unit-less values come back as they are.
     */
    public static String fromSetting(String setting, String unit) {
        if (setting == null || unit == null || unit.isEmpty() || setting.startsWith("-")) {
            return setting;
        }
        Matcher m = Pattern.compile("(\\d*)([A-Za-z]+)").matcher(unit);
        if (!m.matches() || !setting.matches("\\d+")) {
            return setting;
        }
        long factor = m.group(1).isEmpty() ? 1 : Long.parseLong(m.group(1));
        long value = Long.parseLong(setting) * factor;
        Long size = sizeUnit(m.group(2));
        if (size != null) {
            return formatBytes(value * size);
        }
        Long time = timeUnit(m.group(2));
        if (time != null) {
            return formatMillis(value * time);
        }
        return setting;
    }

    /**
     * A value reduced to a form two spellings of the same setting share: sizes in bytes, durations
     * in milliseconds, numbers without trailing zeros ("4.0" and "4" agree), lists without their
     * quotes and spaces ("'a, b'" and "a,b" agree).
     */
    static String canonical(String value) {
        if (value == null) {
            return "";
        }
        String unquoted = value.trim();
        if (unquoted.length() >= 2 && unquoted.startsWith("'") && unquoted.endsWith("'")) {
            // a quoted list as postgresql.conf writes it, e.g. shared_preload_libraries
            return unquoted.substring(1, unquoted.length() - 1)
                    .replaceAll("\\s*,\\s*", ",")
                    .trim()
                    .toLowerCase(Locale.ROOT);
        }
        if (unquoted.contains(",")) {
            return unquoted.replaceAll("\\s*,\\s*", ",").toLowerCase(Locale.ROOT);
        }
        Matcher m = VALUE.matcher(value);
        if (!m.matches()) {
            return value.trim().toLowerCase(Locale.ROOT);
        }
        BigDecimal number = new BigDecimal(m.group(1));
        String unit = m.group(2);
        Long factor = unit.isEmpty() ? Long.valueOf(1) : sizeUnit(unit);
        if (factor == null) {
            factor = timeUnit(unit);
        }
        if (factor == null) {
            return value.trim().toLowerCase(Locale.ROOT);
        }
        BigDecimal scaled = number.multiply(BigDecimal.valueOf(factor));
        return scaled.signum() == 0 ? "0" : scaled.stripTrailingZeros().toPlainString();
    }

    /** True when the two values mean the same setting. */
    public static boolean same(String a, String b) {
        return canonical(a).equals(canonical(b));
    }

    private static Long sizeUnit(String unit) {
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "b" -> 1L;
            case "k", "kb" -> KB;
            case "m", "mb" -> MB;
            case "g", "gb" -> GB;
            case "t", "tb" -> TB;
            default -> null;
        };
    }

    private static Long timeUnit(String unit) {
        return switch (unit) {
            case "us" -> null; // no setting tuned here is in microseconds
            case "ms" -> 1L;
            case "s" -> 1_000L;
            case "min" -> 60_000L;
            case "h" -> 3_600_000L;
            case "d" -> 86_400_000L;
            default -> null;
        };
    }

    private static String name(long unit) {
        return unit == TB ? "TB" : unit == GB ? "GB" : unit == MB ? "MB" : "kB";
    }
}
