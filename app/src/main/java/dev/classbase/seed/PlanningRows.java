package dev.classbase.seed;

/**
 * Teachers' planning content behind the content metrics: unit plans and their versions,
 * lesson plans, templates. Created over the last year, so the daily metrics have a history.
 * Streams 65x to 69x.
 */
final class PlanningRows {
    private PlanningRows() {}

    /** At least one unit plan per course, by its instructor; one in ten not tied to a course. */
    static String unitPlans() {
        return """
            with share as (
                select c.tenant_id, c.course_id, c.instructor_id,
                       :base * row_number() over (order by c.course_id)
                         + round((:n - :base * count(*) over ()) * sum(w) over (order by c.course_id) / sum(w) over ())::bigint as hi
                from (select sc.*, (0.2 + classbase_rand(:seed, 651, sc.course_id))::numeric(12, 10) as w
                      from seed_course as sc) as c
            ), span as (
                select s.*, coalesce(lag(hi) over (order by course_id), 0) as lo from share as s
            )
            insert into unit_plans (tenant_id, id, course_id, created_by, title, status, created_at, published_at)
            select s.tenant_id, n,
                   case when classbase_rand(:seed, 652, n) < 0.1 then null else s.course_id end,
                   s.instructor_id,
                   'Unit ' || (n - s.lo) || ': '
                   || (array['Foundations', 'Patterns and Structure', 'Evidence and Argument', 'Systems',
                             'Change Over Time', 'Design Challenge', 'Data and Inference'])[1 + classbase_rand_int(:seed, 653, n, 7)],
                   st.status, c.at,
                   case when st.status <> 'draft' then c.at + make_interval(days => 1 + classbase_rand_int(:seed, 655, n, 10)::int) end
            from span as s
            cross join lateral generate_series(s.lo + 1, s.hi) as n
            cross join lateral (
                select case when classbase_rand(:seed, 654, n) < 0.6 then 'published'
                            when classbase_rand(:seed, 654, n) < 0.9 then 'draft'
                            else 'archived' end as status
            ) as st
            cross join lateral (
                select :asOf - make_interval(secs => 86400 * (15 + 350 * classbase_rand(:seed, 656, n))) as at
            ) as c
            """;
    }

    /** Version 1 for every unit plan, more for some; numbered 1..k per plan. */
    static String unitVersions() {
        return """
            with share as (
                select u.tenant_id, u.id as unit_plan_id, u.created_by, u.created_at,
                       :base * row_number() over (order by u.id)
                         + round((:n - :base * count(*) over ()) * sum(w) over (order by u.id) / sum(w) over ())::bigint as hi
                from (select up.*, power(classbase_rand(:seed, 661, up.id), 2)::numeric(12, 10) as w
                      from unit_plans as up) as u
            ), span as (
                select s.*, coalesce(lag(hi) over (order by unit_plan_id), 0) as lo from share as s
            )
            insert into unit_versions (tenant_id, id, unit_plan_id, version, content, created_by, created_at)
            select s.tenant_id, n, s.unit_plan_id, (n - s.lo)::int,
                   jsonb_build_object('objectives', 2 + classbase_rand_int(:seed, 662, n, 4),
                                      'weeks', 1 + classbase_rand_int(:seed, 663, n, 4),
                                      'notes', 'Revision ' || (n - s.lo)),
                   s.created_by,
                   least(:asOf - interval '1 hour', s.created_at + make_interval(days => 3 * (n - s.lo - 1)::int))
            from span as s
            cross join lateral generate_series(s.lo + 1, s.hi) as n
            """;
    }

    static String lessonPlans() {
        return """
            with share as (
                select u.tenant_id, u.id as unit_plan_id, u.created_by, u.created_at,
                       :base * row_number() over (order by u.id)
                         + round((:n - :base * count(*) over ()) * sum(w) over (order by u.id) / sum(w) over ())::bigint as hi
                from (select up.*, (0.2 + classbase_rand(:seed, 671, up.id))::numeric(12, 10) as w
                      from unit_plans as up) as u
            ), span as (
                select s.*, coalesce(lag(hi) over (order by unit_plan_id), 0) as lo from share as s
            )
            insert into lesson_plans (tenant_id, id, unit_plan_id, created_by, title, status, created_at)
            select s.tenant_id, n, s.unit_plan_id, s.created_by,
                   'Day ' || (n - s.lo) || ': '
                   || (array['Warm-up and direct instruction', 'Stations', 'Socratic seminar', 'Lab day',
                             'Workshop', 'Review game', 'Assessment'])[1 + classbase_rand_int(:seed, 672, n, 7)],
                   case when classbase_rand(:seed, 673, n) < 0.7 then 'published'
                        when classbase_rand(:seed, 673, n) < 0.95 then 'draft' else 'archived' end,
                   least(:asOf - interval '1 hour', s.created_at + make_interval(days => (n - s.lo)::int))
            from span as s
            cross join lateral generate_series(s.lo + 1, s.hi) as n
            """;
    }

    /** The same number of templates per tenant, by random teachers. */
    static String templates() {
        return """
            with span as (
                select tenant_id, teacher_lo, teachers,
                       round(:n * row_number() over (order by tenant_id) / count(*) over ())::bigint as hi,
                       round(:n * (row_number() over (order by tenant_id) - 1) / count(*) over ())::bigint as lo
                from seed_tenant
            )
            insert into templates (tenant_id, id, created_by, name, kind, status, body, created_at)
            select s.tenant_id, n, s.teacher_lo + classbase_rand_int(:seed, 681, n, s.teachers),
                   initcap(t.kind) || ' template ' || (n - s.lo), t.kind,
                   case when classbase_rand(:seed, 683, n) < 0.75 then 'published' else 'draft' end,
                   jsonb_build_object('sections', 3 + classbase_rand_int(:seed, 684, n, 5)),
                   :asOf - make_interval(secs => 86400 * 365 * classbase_rand(:seed, 685, n))
            from span as s
            cross join lateral generate_series(s.lo + 1, s.hi) as n
            cross join lateral (
                select (array['unit', 'lesson', 'assessment', 'rubric'])[1 + classbase_rand_int(:seed, 682, n, 4)] as kind
            ) as t
            """;
    }
}
