package dev.classbase.ops.checks;

import java.util.List;

/**
 * One check of the overview: its status ({@code green}, {@code amber}, {@code red}, or {@code
 * unavailable} with the reason in {@code note}), what it measured, the threshold it compares
 * against and where that threshold comes from, and the rows that made it fire.
 */
public record Check(
        String name,
        String status,
        String value,
        String threshold,
        String source,
        String note,
        List<? extends Record> details) {
    public static final String GREEN = "green";
    public static final String AMBER = "amber";
    public static final String RED = "red";
    public static final String UNAVAILABLE = "unavailable";

    static int rank(String status) {
        return switch (status) {
            case RED -> 3;
            case AMBER -> 2;
            case UNAVAILABLE -> 1;
            default -> 0;
        };
    }
}
