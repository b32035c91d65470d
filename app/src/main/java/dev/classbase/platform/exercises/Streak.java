package dev.classbase.platform.exercises;

import java.time.LocalDate;

/**
 * A user's run of consecutive days (UTC) with at least one completed exercise.
 *
 * @param current days in the run that ends today or yesterday; 0 when there is none
 * @param startedOn first day of the current run; null when {@code current} is 0
 * @param lastDay last day of the current run (today or yesterday); null when {@code current} is 0
 * @param longest the longest run ever
 */
public record Streak(long userId, int current, LocalDate startedOn, LocalDate lastDay, int longest) {}
