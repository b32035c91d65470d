package dev.classbase.seed;

/**
 * Standards, portfolios and what a portfolio export gathers: entries linking a submission, a
 * quiz attempt or a resource, the standards they show, teachers' comments. Streams 6xx.
 */
final class PortfolioRows {
    private PortfolioRows() {}

    /** The same number of standards in every tenant, codes like MATH.7.3. */
    static String standards() {
        return """
            with span as (
                select id as tenant_id,
                       round(:n * row_number() over (order by id) / count(*) over ())::bigint as hi,
                       round(:n * (row_number() over (order by id) - 1) / count(*) over ())::bigint as lo
                from tenants
            )
            insert into standards (tenant_id, id, code, subject, grade_level, description, created_at)
            select s.tenant_id, n, sub.code || '.' || g.grade || '.' || (n - s.lo), sub.name, g.grade::text,
                   'Students can ' || (array['explain', 'apply', 'analyze', 'evaluate', 'model', 'compare'])[1 + classbase_rand_int(:seed, 603, n, 6)]
                   || ' ' || (array['key concepts', 'evidence from texts', 'quantitative relationships', 'scientific claims',
                                    'historical sources', 'algorithms'])[1 + classbase_rand_int(:seed, 604, n, 6)] || '.',
                   :asOf - interval '365 days'
            from span as s
            cross join lateral generate_series(s.lo + 1, s.hi) as n
            cross join lateral (
                select (array['MATH', 'ELA', 'SCI', 'SS', 'CS'])[1 + k] as code,
                       (array['mathematics', 'english', 'science', 'social_studies', 'computer_science'])[1 + k] as name
                from (select ((n - s.lo - 1) % 5)::int as k) as pick
            ) as sub
            cross join lateral (select 6 + classbase_rand_int(:seed, 602, n, 7) as grade) as g
            """;
    }

    /** One portfolio for every other student, spread evenly over all students. */
    static String portfolios() {
        return """
            with student as (
                select su.tenant_id, su.user_id, row_number() over (order by su.user_id) - 1 as ord
                from seed_user as su where su.role = 'student'
            ), pick as (
                select n, (n - 1) * (select count(*) from student) / :n as ord from generate_series(1, :n) as n
            )
            insert into portfolios (tenant_id, id, user_id, title, visibility, created_at)
            select s.tenant_id, p.n, s.user_id,
                   (array['My Learning Journey', 'Best Work', 'Term Portfolio', 'Growth Portfolio'])[1 + classbase_rand_int(:seed, 611, n, 4)],
                   (array['private', 'teachers', 'teachers', 'public'])[1 + classbase_rand_int(:seed, 612, n, 4)],
                   :asOf - make_interval(days => 100 + classbase_rand_int(:seed, 613, n, 80)::int)
            from pick as p
            join student as s on s.ord = p.ord
            """;
    }

    /**
     * At least one entry per portfolio. 55% show one of the owner's submissions, 20% a quiz
     * attempt, 25% a resource of the tenant (if the owner has none of the first two, the entry
     * is a plain reflection).
     */
    static String portfolioEntries() {
        return """
            with share as (
                select p.tenant_id, p.id as portfolio_id, p.user_id, p.created_at,
                       :base * row_number() over (order by p.id)
                         + round((:n - :base * count(*) over ()) * sum(w) over (order by p.id) / sum(w) over ())::bigint as hi
                from (select po.*, (0.2 + classbase_rand(:seed, 621, po.id))::numeric(12, 10) as w
                      from portfolios as po) as p
            ), span as (
                select s.*, coalesce(lag(hi) over (order by portfolio_id), 0) as lo from share as s
            ), owned_submission as (
                select user_id, id, row_number() over (partition by user_id order by id) - 1 as idx
                from submissions where user_id in (select user_id from portfolios)
            ), owned_attempt as (
                select user_id, id, row_number() over (partition by user_id order by id) - 1 as idx
                from quiz_attempts where user_id in (select user_id from portfolios)
            ), library as (
                select tenant_id, min(id) as lo, count(*) as cnt from resources group by tenant_id
            ), entry as (
                select s.*, n, k.kind,
                       case when k.kind < 0.55 then classbase_rand_int(:seed, 627, n, sc.cnt) end as submission_idx,
                       case when k.kind >= 0.55 and k.kind < 0.75 then classbase_rand_int(:seed, 628, n, ac.cnt) end as attempt_idx
                from span as s
                cross join lateral generate_series(s.lo + 1, s.hi) as n
                cross join lateral (select classbase_rand(:seed, 622, n) as kind) as k
                left join (select user_id, count(*) as cnt from owned_submission group by user_id) as sc
                  on sc.user_id = s.user_id
                left join (select user_id, count(*) as cnt from owned_attempt group by user_id) as ac
                  on ac.user_id = s.user_id
            )
            insert into portfolio_entries (tenant_id, id, portfolio_id, title, reflection, submission_id,
                                           quiz_attempt_id, resource_id, created_at)
            select e.tenant_id, e.n, e.portfolio_id,
                   (array['Proud of this one', 'Before and after', 'My best essay', 'Lab highlights',
                          'Project milestone', 'What I learned'])[1 + classbase_rand_int(:seed, 623, e.n, 6)],
                   (array['This shows how much I improved.', 'I chose this because it was challenging.',
                          'Next time I will plan more carefully.', 'My teacher''s feedback helped a lot.'])[1 + classbase_rand_int(:seed, 624, e.n, 4)],
                   os.id, oa.id,
                   case when e.kind >= 0.75 then lib.lo + classbase_rand_int(:seed, 625, e.n, lib.cnt) end,
                   e.created_at + make_interval(days => classbase_rand_int(:seed, 626, e.n, 90)::int)
            from entry as e
            join library as lib on lib.tenant_id = e.tenant_id
            left join owned_submission as os on os.user_id = e.user_id and os.idx = e.submission_idx
            left join owned_attempt as oa on oa.user_id = e.user_id and oa.idx = e.attempt_idx
            """;
    }

    /** 0 to about 4 standards per entry, distinct within the entry. */
    static String portfolioEntryStandards() {
        return """
            with share as (
                select pe.tenant_id, pe.id as entry_id,
                       round((:n - :base * count(*) over ()) * sum(w) over (order by pe.id) / sum(w) over ())::bigint as hi
                from (select e.*, (0.2 + classbase_rand(:seed, 631, e.id))::numeric(12, 10) as w
                      from portfolio_entries as e) as pe
            ), span as (
                select s.*, coalesce(lag(hi) over (order by entry_id), 0) as lo from share as s
            ), catalog as (
                select tenant_id, min(id) as lo, count(*) as cnt from standards group by tenant_id
            )
            insert into portfolio_entry_standards (tenant_id, portfolio_entry_id, standard_id)
            select s.tenant_id, s.entry_id,
                   c.lo + (classbase_rand_int(:seed, 632, s.entry_id, c.cnt) + (n - s.lo - 1)) % c.cnt
            from span as s
            join catalog as c on c.tenant_id = s.tenant_id
            cross join lateral generate_series(s.lo + 1, s.hi) as n
            """;
    }

    /** Comments mostly by a teacher of the tenant (80%), otherwise by the owner. */
    static String portfolioComments() {
        return """
            with share as (
                select pe.tenant_id, pe.id as entry_id, pe.created_at, pe.user_id,
                       round((:n - :base * count(*) over ()) * sum(w) over (order by pe.id) / sum(w) over ())::bigint as hi
                from (select e.*, p.user_id, power(classbase_rand(:seed, 641, e.id), 2)::numeric(12, 10) as w
                      from portfolio_entries as e
                      join portfolios as p on p.tenant_id = e.tenant_id and p.id = e.portfolio_id) as pe
            ), span as (
                select s.*, coalesce(lag(hi) over (order by entry_id), 0) as lo from share as s
            )
            insert into portfolio_comments (tenant_id, id, portfolio_entry_id, user_id, body, created_at)
            select s.tenant_id, n, s.entry_id,
                   case when classbase_rand(:seed, 642, n) < 0.8
                        then t.teacher_lo + classbase_rand_int(:seed, 643, n, t.teachers) else s.user_id end,
                   (array['Excellent growth here!', 'Can you add more detail about your process?',
                          'This meets the standard.', 'Nice reflection.', 'Consider revising the conclusion.'])[1 + classbase_rand_int(:seed, 644, n, 5)],
                   s.created_at + make_interval(days => 1 + classbase_rand_int(:seed, 645, n, 20)::int)
            from span as s
            join seed_tenant as t on t.tenant_id = s.tenant_id
            cross join lateral generate_series(s.lo + 1, s.hi) as n
            """;
    }
}
