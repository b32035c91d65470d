package dev.classbase.seed;

/**
 * Tenants and users, and the generator's plan tables about them.
 *
 * <p>Every statement binds {@code :seed} and {@code :asOf} (UTC midnight); sizes are bound too.
 * Random numbers come from {@code classbase_rand(seed, stream, n)} (V3); each statement owns
 * its stream numbers (tenants 1xx, users 11x, plans 9xx) so no two columns share a draw.
 *
 * <p>A pattern used throughout the generator: to give parents a skewed number of children with
 * an exact total {@code n}, each parent gets {@code base} children plus a share of the
 * {@code extra = n - base * parents} proportional to its weight; the cumulative weights are
 * {@code numeric}, so the last parent ends exactly at {@code n}. Children ids are the global
 * numbers {@code lo + 1 .. hi}, contiguous per parent.
 */
final class PeopleRows {
    private PeopleRows() {}

    /** Tenants 1 to 3 have fixed readable names; the others are composed from word lists. */
    static String tenants() {
        return """
            insert into tenants (id, name, slug, created_at)
            select n, nm.name,
                   case n when 1 then 'northwood' when 2 then 'riverside' when 3 then 'lakeside'
                          else trim(both '-' from regexp_replace(lower(nm.name), '[^a-z0-9]+', '-', 'g')) end,
                   :asOf - make_interval(days => 400 + n::int)
            from generate_series(1, :tenants) as n
            cross join lateral (
                select case n when 1 then 'Northwood Unified'
                              when 2 then 'Riverside Academy'
                              when 3 then 'Lakeside Schools'
                              else (array['Oak Ridge', 'Pine Valley', 'Cedar Falls', 'Maple Grove', 'Silver Lake',
                                          'Eagle Point', 'Fox Hollow', 'Granite Bay', 'Harbor View', 'Iron Creek',
                                          'Juniper Hills', 'Kingsbridge', 'Lincoln Park', 'Mesa Verde', 'North Star',
                                          'Orchard Heights', 'Prairie Wind', 'Quarry Springs', 'Redwood Coast',
                                          'Stonebrook'])[1 + (n - 4) % 20]
                                   || ' ' || (array['School District', 'Academy', 'Unified', 'Public Schools',
                                                    'Learning Center'])[1 + ((n - 4) / 20) % 5]
                                   || case when n - 4 >= 100 then ' ' || n else '' end
                       end as name
            ) as nm
            """;
    }

    /**
     * Users per tenant with mild skew (weights 0.6 to 1.4). Within a tenant the local numbers
     * run admins, then teachers (5%), then students: {@code admin@slug.demo} (then admin2...),
     * {@code teacher1@slug.demo}, {@code student1@slug.demo}.
     */
    static String users() {
        return """
            with tenant_share as (
                select id as tenant_id, slug,
                       round(:users * sum(w) over (order by id) / sum(w) over ())::bigint as hi
                from (select id, slug, (0.6 + 0.8 * classbase_rand(:seed, 101, id))::numeric(12, 10) as w
                      from tenants) as t
            ), tenant_span as (
                select tenant_id, slug, hi, coalesce(lag(hi) over (order by tenant_id), 0) as lo
                from tenant_share
            ), shaped as (
                select tenant_id, slug, lo, hi,
                       1 + (hi - lo) / 2000 as admins,
                       greatest(2, round((hi - lo) * 0.05))::bigint as teachers
                from tenant_span
            )
            insert into users (tenant_id, id, email, full_name, role, is_active, onboarding_completed,
                               password_hash, last_sign_in_at, created_at)
            select s.tenant_id, n,
                   case r.role when 'admin' then 'admin' || case when i = 1 then '' else i::text end
                               when 'teacher' then 'teacher' || (i - s.admins)
                               else 'student' || (i - s.admins - s.teachers) end || '@' || s.slug || '.demo',
                   (array['Ava', 'Liam', 'Olivia', 'Noah', 'Emma', 'Mateo', 'Sophia', 'Lucas', 'Mia', 'Ethan',
                          'Amelia', 'Elijah', 'Harper', 'James', 'Aria', 'Aiden', 'Chloe', 'Leo', 'Zoe', 'Kai',
                          'Nora', 'Omar', 'Priya', 'Ravi', 'Sara', 'Tomas', 'Uma', 'Victor', 'Wen', 'Yusuf',
                          'Ines', 'Hana', 'Diego', 'Fatima', 'Jonas', 'Keiko', 'Lena', 'Malik', 'Nadia', 'Owen'])
                       [1 + classbase_rand_int(:seed, 111, n, 40)]
                   || ' ' ||
                   (array['Smith', 'Garcia', 'Nguyen', 'Johnson', 'Brown', 'Lee', 'Martinez', 'Patel', 'Kim',
                          'Lopez', 'Wilson', 'Anderson', 'Thomas', 'Moore', 'Chen', 'Taylor', 'Jackson', 'White',
                          'Harris', 'Clark', 'Lewis', 'Walker', 'Hall', 'Young', 'Allen', 'Wright', 'Scott',
                          'Hernandez', 'Okafor', 'Novak', 'Rossi', 'Schmidt', 'Silva', 'Cohen', 'Ali', 'Sato',
                          'Kowalski', 'Dubois', 'Hansen', 'Murphy'])[1 + classbase_rand_int(:seed, 112, n, 40)],
                   r.role,
                   classbase_rand(:seed, 113, n) < case r.role when 'student' then 0.96 else 0.99 end,
                   classbase_rand(:seed, 114, n) < 0.88,
                   cast(:passwordHash as text),
                   case when classbase_rand(:seed, 115, n) < 0.03 then null
                        when classbase_rand(:seed, 113, n) >= 0.96 then :asOf - make_interval(days => 60 + classbase_rand_int(:seed, 116, n, 120)::int)
                        else :asOf - make_interval(secs => 86400 * 14 * power(classbase_rand(:seed, 116, n), 3))
                   end,
                   :asOf - make_interval(days => 200 + classbase_rand_int(:seed, 117, n, 400)::int)
            from shaped as s
            cross join lateral generate_series(s.lo + 1, s.hi) as n
            cross join lateral (select n - s.lo as i) as local
            cross join lateral (
                select case when i <= s.admins then 'admin'
                            when i <= s.admins + s.teachers then 'teacher'
                            else 'student' end as role
            ) as r
            """;
    }

    /**
     * One row per user for the generator: a minority of students (12%) are at risk, they
     * miss work, score low and went quiet in the last three weeks. {@code act_*} and
     * {@code stu_*} are cumulative weight fractions for spreading per-user rows (events,
     * sessions, ...) with a heavy tail: a few very active users, many light ones.
     */
    static String planUsers() {
        return """
            create temp table seed_user on commit drop as
            with weighted as (
                select u.tenant_id, u.id as user_id, u.role, u.is_active,
                       u.role = 'student' and classbase_rand(:seed, 901, u.id) < 0.12 as at_risk,
                       (case when not u.is_active then 0.02
                             when u.role = 'admin' then 0.5
                             when u.role = 'teacher' then 1.0
                             when classbase_rand(:seed, 901, u.id) < 0.12 then 0.15
                             else 0.2 + 4 * power(classbase_rand(:seed, 902, u.id), 3) end)::numeric(12, 10) as act_w,
                       (case when u.role <> 'student' then 0
                             when not u.is_active then 0.02
                             when classbase_rand(:seed, 901, u.id) < 0.12 then 0.3
                             else 0.3 + 2 * power(classbase_rand(:seed, 903, u.id), 2) end)::numeric(12, 10) as stu_w
                from users as u
            ), cumulative as (
                select w.*,
                       sum(act_w) over (order by user_id) / sum(act_w) over () as act_hi,
                       sum(stu_w) over (order by user_id) / sum(stu_w) over () as stu_hi
                from weighted as w
            )
            select c.*,
                   coalesce(lag(act_hi) over (order by user_id), 0) as act_lo,
                   coalesce(lag(stu_hi) over (order by user_id), 0) as stu_lo,
                   null::bigint[] as courses
            from cumulative as c
            """;
    }

    /** Users of each tenant by role are contiguous ids: a random teacher is teacher_lo + k. */
    static String planTenants() {
        return """
            create temp table seed_tenant on commit drop as
            select tenant_id,
                   min(user_id) filter (where role = 'teacher') as teacher_lo,
                   count(*) filter (where role = 'teacher') as teachers,
                   min(user_id) filter (where role = 'student') as student_lo,
                   count(*) filter (where role = 'student') as students
            from seed_user
            group by tenant_id
            """;
    }

    /** Each user's enrolled courses, for picking "a course of this user" without a join. */
    static String planUserCourses() {
        return """
            update seed_user as su
            set courses = e.courses
            from (select user_id, array_agg(course_id order by id) as courses from enrollments group by user_id) as e
            where e.user_id = su.user_id
            """;
    }
}
