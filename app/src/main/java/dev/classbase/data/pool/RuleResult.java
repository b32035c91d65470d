package dev.classbase.data.pool;

/**
 * One sizing rule applied to the inputs.
 *
 * @param rule a short name ({@code hikaricp}, {@code load}, ...)
 * @param formula the formula with the inputs filled in, e.g. {@code 2 x 2 + 1}
 * @param value the per-instance pool size the rule gives
 * @param explanation one line: where the rule comes from and what it is good (or bad) for
 */
public record RuleResult(String rule, String formula, int value, String explanation) {}
