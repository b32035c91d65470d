package dev.classbase.data.pool;

import java.util.List;

/**
 * The pool size chosen for one application instance, with every rule that was considered.
 *
 * @param minimumIdle HikariCP {@code minimumIdle}: connections kept open when idle
 * @param maximumPoolSize HikariCP {@code maximumPoolSize}
 * @param chosenRule the rule whose value became {@code maximumPoolSize}
 * @param why the reason, in one sentence, with the numbers
 * @param rules every rule with its value, in a fixed order
 */
public record PoolPlan(int minimumIdle, int maximumPoolSize, String chosenRule, String why, List<RuleResult> rules) {

    public PoolPlan {
        rules = List.copyOf(rules);
        if (minimumIdle < 0 || maximumPoolSize < 1 || minimumIdle > maximumPoolSize) {
            throw new IllegalArgumentException(
                    "inconsistent plan: minimumIdle " + minimumIdle + ", maximumPoolSize " + maximumPoolSize);
        }
    }

    /** The rule of that name; fails when no such rule was applied. */
    public RuleResult rule(String name) {
        return rules.stream()
                .filter(r -> r.rule().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no rule named " + name));
    }
}
