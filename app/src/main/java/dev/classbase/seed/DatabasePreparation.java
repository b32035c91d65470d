package dev.classbase.seed;

import java.util.List;

/** Catalog questions and whole-dataset chores: the table list, counters, sequences, reset. */
final class DatabasePreparation {
    private DatabasePreparation() {}

    /**
     * classbase's tables: ordinary and partitioned tables of the current schema, without the
     * partitions themselves, Flyway's history and the operators' tables (platform staff, not part
     * of a dataset: a reset keeps them).
     */
    static String tables() {
        return """
            select c.relname
            from pg_class as c
            join pg_namespace as n on n.oid = c.relnamespace
            where n.nspname = current_schema()
              and c.relkind in ('r', 'p')
              and not c.relispartition
              and c.relname not in ('flyway_schema_history', 'operators', 'operator_sessions')
            order by c.relname
            """;
    }

    static String isEmpty() {
        return "select not exists (select 1 from tenants)";
    }

    /** Monthly partitions for the generated time range, before any event is inserted. */
    static String ensurePartitions() {
        return "select classbase_ensure_monthly_partitions(cast(:table as regclass), cast(:from as date), cast(:to as date))";
    }

    /**
     * Every identity sequence restarts after the largest id, so rows created by the application
     * after seeding do not collide with the explicit ids the generator assigned.
     */
    static String resetSequences() {
        return """
            do $$
            declare
                r record;
            begin
                for r in
                    select c.oid::regclass as tbl, a.attname as col
                    from pg_class as c
                    join pg_namespace as n on n.oid = c.relnamespace
                    join pg_attribute as a on a.attrelid = c.oid
                    where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition
                      and a.attidentity <> '' and not a.attisdropped
                loop
                    execute format('select setval(pg_get_serial_sequence(%L, %L), coalesce((select max(%I) from %s), 0) + 1, false)',
                                   r.tbl::text, r.col, r.col, r.tbl);
                end loop;
            end
            $$
            """;
    }

    /** The eight counter caches of DOMAIN.md, each set to the exact count. */
    static List<String> counters() {
        return List.of(
                counter("courses", "enrollments_count", "enrollments", "course_id"),
                counter("courses", "assignments_count", "assignments", "course_id"),
                counter("assignments", "submissions_count", "submissions", "assignment_id"),
                counter("quizzes", "quiz_attempts_count", "quiz_attempts", "quiz_id"),
                counter("discussions", "discussion_posts_count", "discussion_posts", "discussion_id"),
                counter("portfolios", "portfolio_entries_count", "portfolio_entries", "portfolio_id"),
                counter("question_banks", "questions_count", "questions", "question_bank_id"),
                counter("unit_plans", "unit_versions_count", "unit_versions", "unit_plan_id"));
    }

    private static String counter(String parent, String column, String child, String key) {
        return """
            update %1$s as p set %2$s = c.cnt
            from (select tenant_id, %4$s as id, count(*) as cnt from %3$s group by tenant_id, %4$s) as c
            where p.tenant_id = c.tenant_id and p.id = c.id
            """.formatted(parent, column, child, key);
    }
}
