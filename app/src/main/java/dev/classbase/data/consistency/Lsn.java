package dev.classbase.data.consistency;

import java.util.Optional;
import java.util.regex.Pattern;

/** A PostgreSQL WAL position ({@code pg_lsn}, text form {@code 16/B374D848}) as an unsigned 64-bit number. */
public record Lsn(long value) implements Comparable<Lsn> {
    private static final Pattern TEXT = Pattern.compile("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}");

    /** Parses the text form; anything else (garbage, empty, too long) is empty, never an exception. */
    public static Optional<Lsn> parse(String text) {
        if (text == null || text.length() > 17 || !TEXT.matcher(text).matches()) {
            return Optional.empty();
        }
        int slash = text.indexOf('/');
        long high = Long.parseLong(text.substring(0, slash), 16);
        long low = Long.parseLong(text.substring(slash + 1), 16);
        return Optional.of(new Lsn((high << 32) | low));
    }

    public boolean atLeast(Lsn other) {
        return Long.compareUnsigned(value, other.value) >= 0;
    }

    public static Lsn max(Lsn a, Lsn b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.atLeast(b) ? a : b;
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toHexString(value >>> 32).toUpperCase() + "/"
                + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
    }
}
