package dev.classbase.platform.counters;

import java.util.List;

/**
 * The SQL of the counter-cache drift check and repair. The eight counters are fixed names (no
 * user input reaches the identifiers); every value is bound.
 */
public final class CounterQueries {
    private CounterQueries() {}

    /** A counter cache: {@code parent.column} = number of {@code child} rows whose {@code key} is the parent. */
    public record Counter(String parent, String column, String child, String key) {
        public String name() {
            return parent + "." + column;
        }
    }

    /** DOMAIN.md's eight, kept by the triggers of V7__counter_caches.sql. */
    public static final List<Counter> ALL = List.of(
            new Counter("courses", "enrollments_count", "enrollments", "course_id"),
            new Counter("courses", "assignments_count", "assignments", "course_id"),
            new Counter("assignments", "submissions_count", "submissions", "assignment_id"),
            new Counter("quizzes", "quiz_attempts_count", "quiz_attempts", "quiz_id"),
            new Counter("discussions", "discussion_posts_count", "discussion_posts", "discussion_id"),
            new Counter("portfolios", "portfolio_entries_count", "portfolio_entries", "portfolio_id"),
            new Counter("question_banks", "questions_count", "questions", "question_bank_id"),
            new Counter("unit_plans", "unit_versions_count", "unit_versions", "unit_plan_id"));

    /** Parents in all, parents whose counter is off, and the sum of how far off: one row. */
    public static String drift(Counter c) {
        return """
            select (select count(*) from %1$s) as parents,
                   count(*) as drifted,
                   coalesce(sum(abs(p.%2$s - coalesce(k.n, 0))), 0) as off_by
            from %1$s as p
            left join (select tenant_id, %4$s as id, count(*) as n
                       from %3$s
                       group by tenant_id, %4$s) as k
                   on k.tenant_id = p.tenant_id and k.id = p.id
            where p.%2$s <> coalesce(k.n, 0)
            """.formatted(c.parent(), c.column(), c.child(), c.key());
    }

    /**
     * Locks the next batch of parents after (:tenantId, :id), in key order, and returns their keys.
     * FOR UPDATE (not NO KEY UPDATE) also waits for child inserts in flight, whose foreign-key check
     * holds KEY SHARE on the parent; while locked, no child of these parents changes uncounted.
     */
    public static String lockBatch(Counter c) {
        return """
            select tenant_id, id
            from %1$s
            where (tenant_id, id) > (:tenantId, :id)
            order by tenant_id, id
            limit :batch
            for update
            """.formatted(c.parent());
    }

    /**
     * Sets the counter of the locked parents (keys as two bigint[] literals) to the real count; a
     * new statement, so its snapshot sees every child committed before the locks were granted.
     * Returns rows fixed.
     */
    public static String repairLocked(Counter c) {
        return """
            update %1$s as p set %2$s = k.n
            from (select b.tenant_id, b.id,
                         (select count(*) from %3$s as ch where ch.tenant_id = b.tenant_id and ch.%4$s = b.id) as n
                  from unnest(cast(:tenantIds as bigint[]), cast(:ids as bigint[])) as b (tenant_id, id)) as k
            where p.tenant_id = k.tenant_id and p.id = k.id
              and p.%2$s <> k.n
            """.formatted(c.parent(), c.column(), c.child(), c.key());
    }
}
