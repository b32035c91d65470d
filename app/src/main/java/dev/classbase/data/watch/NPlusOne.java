package dev.classbase.data.watch;

/**
 * One shape run more often than the threshold in one scope: the classic N+1, a query per row of an
 * earlier result.
 *
 * @param shape the normalised statement
 * @param route the scope's route or job name, {@code none} outside a named scope
 * @param caller the first frame of a feature that ran it ({@code Class.method:line}), or
 *     {@code unknown}
 * @param executions how many times it had run when it was flagged (threshold + 1)
 */
public record NPlusOne(String shape, String route, String caller, int executions) {}
