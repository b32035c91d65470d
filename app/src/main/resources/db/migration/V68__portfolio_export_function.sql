-- The portfolio export (PortfolioQueries.export) as one call: the portfolio, then everything its
-- entries link as sets, each read once, then the entries; PortfolioExport puts them together.
--
-- The export was two statements, the portfolio and then one row per entry, standard and comment
-- from three nested-loop joins sorted together: about 650 index probes for 60 entries (the same
-- assignment, quiz, standard or comment author looked up again for every entry that names it),
-- each probe behind its row-level-security check, and a sort of every row at full width: 1.25 ms
-- of execution for the benchmark's 60 entries. Here each table is read once, by key, for all the
-- entries at a time (= ANY of the entries' keys, through the same primary-key and foreign-key
-- indexes), every linked row once, and only the entries (by created_at), comments (oldest first)
-- and standards (by code) are sorted, each in its own set: 0.47 ms (EXPLAIN ANALYZE, timing off,
-- fastest of 40, bench data, on a loaded machine). Behind PgBouncer (prepareThreshold=0) the
-- statement was also planned on every export, 1 ms for this one; PL/pgSQL keeps the plans of its
-- queries for the session, and plan_cache_mode = force_generic_plan makes them the generic plans
-- from the first call (as V66 does). Without PgBouncer pgjdbc's named statement had a generic plan
-- already, and the function's result set costs about 0.1 ms more than the bare statement would.
--
-- The rows, in this order (the sets before the entries, so the export can write each entry as it
-- arrives; the branches of a UNION ALL run in order, and max_parallel_workers_per_gather = 0 keeps
-- it so: only a parallel Append reorders them):
--
--   -1 portfolio       id, id2 = owner, at = created_at, t1 = title, t2 = visibility, t3 = owner's name
--    1 assignment      id, num = points, t1 = title
--    2 submission      id, id2 = assignment, at = submitted_at, at2 = graded_at, num = score, t1 = status
--    3 quiz            id, t1 = title
--    4 quiz attempt    id, id2 = quiz, at = started_at, at2 = completed_at, num = score
--    5 resource        id, t1 = title, t2 = kind, t3 = url
--    6 standard        id, t1 = code, t2 = subject, t3 = grade_level, t4 = description; by code
--    7 entry standard  id = entry, id2 = standard
--    8 comment author  id = user, t1 = full_name
--    9 comment         id, id2 = entry, id3 = author, at = created_at, t1 = body; oldest first
--   10 entry           id, id2 = submission, id3 = quiz attempt, id4 = resource, at = created_at,
--                      t1 = title, t2 = reflection; oldest first
--
-- (the columns a part does not name are null on its rows).
--
-- No row: the tenant has no such portfolio. The rest follows only when p_viewer owns the portfolio
-- or its visibility is one of p_visible, the visibilities of others' portfolios the caller may see
-- (PortfolioService.visibleToOthers); otherwise PortfolioService answers 403 from the portfolio's
-- row and nothing else was read.
--
-- SECURITY INVOKER: the caller's row-level security applies. Functions are executable by PUBLIC.
create function classbase_portfolio_export(p_tenant bigint, p_portfolio bigint, p_viewer bigint, p_visible text[])
returns table (
    part integer, id bigint, id2 bigint, id3 bigint, id4 bigint, at timestamptz, at2 timestamptz,
    num numeric, t1 text, t2 text, t3 text, t4 text)
language plpgsql
stable
set plan_cache_mode = force_generic_plan
set max_parallel_workers_per_gather = 0
as $$
#variable_conflict use_column
begin
    select -1, p.id, p.user_id, p.created_at, p.title, p.visibility, u.full_name
    into part, id, id2, at, t1, t2, t3
    from portfolios as p
    join users as u on u.tenant_id = p.tenant_id and u.id = p.user_id
    where p.tenant_id = p_tenant and p.id = p_portfolio;
    if not found then
        return;
    end if;
    return next; -- the portfolio's row
    if id2 <> p_viewer and not t2 = any (p_visible) then
        return; -- not shared with the caller: the service answers 403
    end if;
    return query
    with entries as materialized (
        select pe.id, pe.created_at, pe.title, pe.reflection, pe.submission_id, pe.quiz_attempt_id, pe.resource_id
        from portfolio_entries as pe
        where pe.tenant_id = p_tenant and pe.portfolio_id = p_portfolio
        order by pe.created_at, pe.id
    ), submission as materialized (
        select s.id, s.assignment_id, s.status, s.score, s.submitted_at, s.graded_at
        from submissions as s
        where s.tenant_id = p_tenant
          and s.id = any (array(select e.submission_id from entries as e where e.submission_id is not null))
    ), attempt as materialized (
        select qa.id, qa.quiz_id, qa.score, qa.started_at, qa.completed_at
        from quiz_attempts as qa
        where qa.tenant_id = p_tenant
          and qa.id = any (array(select e.quiz_attempt_id from entries as e where e.quiz_attempt_id is not null))
    ), entry_standard as materialized (
        select es.portfolio_entry_id, es.standard_id
        from portfolio_entry_standards as es
        where es.tenant_id = p_tenant and es.portfolio_entry_id = any (array(select e.id from entries as e))
    ), comment as materialized (
        select c.id, c.portfolio_entry_id, c.user_id, c.body, c.created_at
        from portfolio_comments as c
        where c.tenant_id = p_tenant and c.portfolio_entry_id = any (array(select e.id from entries as e))
        order by c.created_at, c.id
    )
    select 1, a.id, null::bigint, null::bigint, null::bigint, null::timestamptz, null::timestamptz, a.points,
           a.title, null::text, null::text, null::text
    from assignments as a
    where a.tenant_id = p_tenant and a.id = any (array(select s.assignment_id from submission as s))
    union all
    select 2, s.id, s.assignment_id, null, null, s.submitted_at, s.graded_at, s.score, s.status, null, null, null
    from submission as s
    union all
    select 3, q.id, null, null, null, null, null, null, q.title, null, null, null
    from quizzes as q
    where q.tenant_id = p_tenant and q.id = any (array(select qa.quiz_id from attempt as qa))
    union all
    select 4, qa.id, qa.quiz_id, null, null, qa.started_at, qa.completed_at, qa.score, null, null, null, null
    from attempt as qa
    union all
    select 5, r.id, null, null, null, null, null, null, r.title, r.kind, r.url, null
    from resources as r
    where r.tenant_id = p_tenant
      and r.id = any (array(select e.resource_id from entries as e where e.resource_id is not null))
    union all
    (select 6, sd.id, null, null, null, null, null, null, sd.code, sd.subject, sd.grade_level, sd.description
     from standards as sd
     where sd.tenant_id = p_tenant and sd.id = any (array(select es.standard_id from entry_standard as es))
     order by sd.code)
    union all
    select 7, es.portfolio_entry_id, es.standard_id, null, null, null, null, null, null, null, null, null
    from entry_standard as es
    union all
    select 8, u.id, null, null, null, null, null, null, u.full_name, null, null, null
    from users as u
    where u.tenant_id = p_tenant and u.id = any (array(select c.user_id from comment as c))
    union all
    select 9, c.id, c.portfolio_entry_id, c.user_id, null, c.created_at, null, null, c.body, null, null, null
    from comment as c
    union all
    select 10, e.id, e.submission_id, e.quiz_attempt_id, e.resource_id, e.created_at, null, null,
           e.title, e.reflection, null, null
    from entries as e;
end
$$;
