-- The eight counter caches of DOMAIN.md, kept exact by triggers so every writer (the server, the
-- CLI, psql) maintains them. Each counts every child row: courses.enrollments_count counts
-- enrollments of any status (a dropped enrollment is still a row; the data generator counts the
-- same way when it fills the counters).
--
-- INSERT and DELETE: statement-level triggers with transition tables, one UPDATE of the parents
-- per statement whatever its row count, so bulk loads (the generator, event-style batch inserts)
-- do not pay a parent update per row. Exact under concurrency: UPDATE ... SET n = n + d takes the
-- parent's row lock and, under READ COMMITTED, re-reads the newest committed n before adding.
-- Parents are locked in key order first, so two statements touching the same parents in
-- different order wait instead of deadlocking.
--
-- UPDATE that moves a child to another parent (rare): a row-level trigger whose WHEN clause is
-- false for every other update, so ordinary updates (grading a submission) cost nothing.
--
-- TRUNCATE of a child table bypasses the triggers; `classbase counters check --repair` fixes it.

create function classbase_count_children() returns trigger
language plpgsql
as $$
declare
    parent constant text := tg_argv[0];
    counter constant text := tg_argv[1];
    parent_key constant text := tg_argv[2];
    changed constant text := case tg_op when 'INSERT' then 'new_rows' else 'old_rows' end;
    sign constant integer := case tg_op when 'INSERT' then 1 else -1 end;
begin
    execute format($sql$
        with delta as (
            select tenant_id, %3$I as id, count(*) as n
            from %4$I
            where %3$I is not null
            group by tenant_id, %3$I
        ),
        locked as materialized (
            select p.tenant_id, p.id, d.n
            from %1$I as p
            join delta as d on d.tenant_id = p.tenant_id and d.id = p.id
            order by p.tenant_id, p.id
            for no key update of p
        )
        update %1$I as p set %2$I = p.%2$I + %5$s * l.n
        from locked as l
        where p.tenant_id = l.tenant_id and p.id = l.id
        $sql$, parent, counter, parent_key, changed, sign);
    return null;
end
$$;

create function classbase_move_child() returns trigger
language plpgsql
as $$
declare
    parent constant text := tg_argv[0];
    counter constant text := tg_argv[1];
    parent_key constant text := tg_argv[2];
    old_id bigint := to_jsonb(old) ->> parent_key;
    new_id bigint := to_jsonb(new) ->> parent_key;
begin
    -- lock order by key, as above
    if (old.tenant_id, old_id) < (new.tenant_id, new_id) then
        execute format('update %1$I set %2$I = %2$I - 1 where tenant_id = $1 and id = $2', parent, counter)
            using old.tenant_id, old_id;
        execute format('update %1$I set %2$I = %2$I + 1 where tenant_id = $1 and id = $2', parent, counter)
            using new.tenant_id, new_id;
    else
        execute format('update %1$I set %2$I = %2$I + 1 where tenant_id = $1 and id = $2', parent, counter)
            using new.tenant_id, new_id;
        execute format('update %1$I set %2$I = %2$I - 1 where tenant_id = $1 and id = $2', parent, counter)
            using old.tenant_id, old_id;
    end if;
    return null;
end
$$;

do $$
declare
    c record;
begin
    for c in
        select * from (values
            ('enrollments', 'course_id', 'courses', 'enrollments_count'),
            ('assignments', 'course_id', 'courses', 'assignments_count'),
            ('submissions', 'assignment_id', 'assignments', 'submissions_count'),
            ('quiz_attempts', 'quiz_id', 'quizzes', 'quiz_attempts_count'),
            ('discussion_posts', 'discussion_id', 'discussions', 'discussion_posts_count'),
            ('portfolio_entries', 'portfolio_id', 'portfolios', 'portfolio_entries_count'),
            ('questions', 'question_bank_id', 'question_banks', 'questions_count'),
            ('unit_versions', 'unit_plan_id', 'unit_plans', 'unit_versions_count')
        ) as t (child, parent_key, parent, counter)
    loop
        execute format(
            'create trigger %1$s_count_insert after insert on %1$I referencing new table as new_rows '
            || 'for each statement execute function classbase_count_children(%2$L, %3$L, %4$L)',
            c.child, c.parent, c.counter, c.parent_key);
        execute format(
            'create trigger %1$s_count_delete after delete on %1$I referencing old table as old_rows '
            || 'for each statement execute function classbase_count_children(%2$L, %3$L, %4$L)',
            c.child, c.parent, c.counter, c.parent_key);
        execute format(
            'create trigger %1$s_count_move after update of tenant_id, %4$I on %1$I for each row '
            || 'when ((old.tenant_id, old.%4$I) is distinct from (new.tenant_id, new.%4$I)) '
            || 'execute function classbase_move_child(%2$L, %3$L, %4$L)',
            c.child, c.parent, c.counter, c.parent_key);
    end loop;
end
$$;
