package dev.classbase.seed;

/**
 * Courses and what belongs to a course: sections, lessons, assignments, question banks and
 * questions, quizzes, discussions, resources. Streams 2xx. See {@link PeopleRows} for the
 * parameters and the "base plus weighted extra" distribution pattern.
 */
final class CourseRows {
    private CourseRows() {}

    /** Courses per tenant in proportion to its users; 78% published, 14% draft, 8% archived. */
    static String courses() {
        return """
            with tenant_share as (
                select tenant_id, teacher_lo, teachers,
                       :base * row_number() over (order by tenant_id)
                         + round((:n - :base * count(*) over ()) * sum(w) over (order by tenant_id) / sum(w) over ())::bigint as hi
                from (select st.*, (st.students + st.teachers)::numeric as w from seed_tenant as st) as t
            ), tenant_span as (
                select t.*, coalesce(lag(hi) over (order by tenant_id), 0) as lo from tenant_share as t
            )
            insert into courses (tenant_id, id, title, description, category, status, instructor_id,
                                 created_at, published_at)
            select t.tenant_id, n, topic.title || ' ' || level.name, topic.title || ' ' || level.name || ': '
                       || (array['an introductory', 'a project-based', 'a hands-on', 'an accelerated', 'a guided',
                                 'a self-paced', 'a collaborative', 'an exam-focused'])[1 + classbase_rand_int(:seed, 203, n, 8)]
                       || ' course covering '
                       || (array['core concepts', 'problem solving', 'real-world applications', 'critical reading',
                                 'data analysis', 'lab investigations', 'writing and revision', 'group projects',
                                 'practice tests', 'creative work'])[1 + classbase_rand_int(:seed, 204, n, 10)]
                       || ' and '
                       || (array['weekly quizzes', 'peer review', 'portfolio reflections', 'case studies',
                                 'coding exercises', 'field notes', 'presentations', 'discussion seminars'])[1 + classbase_rand_int(:seed, 205, n, 8)]
                       || '.',
                   topic.category, st.status, t.teacher_lo + classbase_rand_int(:seed, 207, n, t.teachers),
                   :asOf - make_interval(days => 200 + classbase_rand_int(:seed, 208, n, 200)::int),
                   case when st.status <> 'draft'
                        then :asOf - make_interval(days => 190 + classbase_rand_int(:seed, 208, n, 200)::int) end
            from tenant_span as t
            cross join lateral generate_series(t.lo + 1, t.hi) as n
            cross join lateral (
                select case when classbase_rand(:seed, 201, n) < 0.78 then 'published'
                            when classbase_rand(:seed, 201, n) < 0.92 then 'draft'
                            else 'archived' end as status
            ) as st
            cross join lateral (
                select (array['Algebra', 'Geometry', 'Calculus', 'Statistics', 'Biology', 'Chemistry', 'Physics',
                              'Earth Science', 'World History', 'US History', 'Civics', 'Economics',
                              'English Literature', 'Creative Writing', 'Spanish', 'French', 'Mandarin',
                              'Computer Science', 'Web Development', 'Data Science', 'Python Programming',
                              'Studio Art', 'Music Theory', 'Health and Wellness', 'Classroom Management',
                              'Formative Assessment', 'Instructional Design', 'SAT Preparation'])[k + 1] as title,
                       (array['mathematics', 'mathematics', 'mathematics', 'mathematics', 'science', 'science',
                              'science', 'science', 'history', 'history', 'social_studies', 'social_studies',
                              'english', 'english', 'languages', 'languages', 'languages',
                              'computer_science', 'computer_science', 'computer_science', 'computer_science',
                              'arts', 'arts', 'health', 'professional_development', 'professional_development',
                              'professional_development', 'test_prep'])[k + 1] as category
                from (select classbase_rand_int(:seed, 202, n, 28) as k) as pick
            ) as topic
            cross join lateral (
                select (array['I', 'II', 'Foundations', 'Honors', 'Essentials', 'Advanced', 'Workshop',
                              'Bootcamp'])[1 + classbase_rand_int(:seed, 206, n, 8)] as name
            ) as level
            """;
    }

    /**
     * Popularity: per tenant, the open (non-draft) courses get a random rank; enrollments pick
     * rank floor(K * u^2), so share(rank) = sqrt((r+1)/K) - sqrt(r/K): a few large
     * courses, a long tail of small ones. Children ranges are filled in by planCourseChildren.
     */
    static String planCourses() {
        return """
            create temp table seed_course on commit drop as
            with ranked as (
                select c.tenant_id, c.id as course_id, c.status, c.instructor_id,
                       case when c.status <> 'draft' then
                           row_number() over (partition by c.tenant_id, c.status <> 'draft'
                                              order by classbase_rand(:seed, 250, c.id), c.id) - 1 end as pop_rank,
                       count(*) filter (where c.status <> 'draft') over (partition by c.tenant_id) as open_courses
                from courses as c
            )
            select r.*,
                   coalesce(sqrt((pop_rank + 1)::numeric / open_courses)
                            - sqrt(pop_rank::numeric / open_courses), 0)::numeric(12, 10) as pop_share,
                   0::bigint as sec_lo, 0::bigint as sec_cnt, 0::bigint as lesson_lo, 0::bigint as lesson_cnt,
                   0::bigint as members
            from ranked as r
            """;
    }

    /** One section per course, the extra ones where the students will be (popular courses, big tenants). */
    static String sections() {
        return """
            with share as (
                select c.tenant_id, c.course_id,
                       :base * row_number() over (order by course_id)
                         + round((:n - :base * count(*) over ()) * sum(w) over (order by course_id) / sum(w) over ())::bigint as hi
                from (select sc.*, sc.pop_share * st.students as w
                      from seed_course as sc join seed_tenant as st using (tenant_id)) as c
            ), span as (
                select s.*, coalesce(lag(hi) over (order by course_id), 0) as lo from share as s
            )
            insert into sections (tenant_id, id, course_id, name, term, created_at)
            select s.tenant_id, n, s.course_id, 'Section ' || (n - s.lo),
                   case when extract(month from :asOf - interval '120 days') between 7 and 12
                        then 'Fall ' || extract(year from :asOf - interval '120 days')
                        else 'Spring ' || extract(year from :asOf - interval '120 days') end,
                   :asOf - make_interval(days => 190 + classbase_rand_int(:seed, 211, n, 10)::int)
            from span as s
            cross join lateral generate_series(s.lo + 1, s.hi) as n
            """;
    }

    /** 8 lessons per course plus a random share of the rest (weights 0.2 to 1.2). */
    static String lessons() {
        return distributedOverCourses("""
            insert into lessons (tenant_id, id, course_id, title, position, created_at)
            select s.tenant_id, n, s.course_id,
                   'Lesson ' || (n - s.lo) || ': '
                   || (array['Getting Started', 'Key Ideas', 'Worked Examples', 'Practice', 'Going Deeper',
                             'Review', 'Lab', 'Project Kickoff', 'Case Study', 'Checkpoint'])[1 + classbase_rand_int(:seed, 222, n, 10)],
                   (n - s.lo)::int,
                   :asOf - make_interval(days => 195 - (n - s.lo)::int)
            from span as s
            cross join lateral generate_series(s.lo + 1, s.hi) as n
            """);
    }

    /**
     * Due dates spread over the term (asOf - 182 days to asOf + 20 days), so about a tenth of
     * the assignments are not due yet.
     */
    static String assignments() {
        return distributedOverCourses("""
            insert into assignments (tenant_id, id, course_id, title, description, due_at, points, created_at)
            select s.tenant_id, n, s.course_id,
                   (array['Homework', 'Problem Set', 'Essay', 'Lab Report', 'Project', 'Reading Response',
                          'Worksheet', 'Presentation'])[1 + classbase_rand_int(:seed, 232, n, 8)] || ' ' || (n - s.lo),
                   'Complete the tasks and submit before the due date.',
                   due.at,
                   (array[10, 20, 25, 50, 100])[1 + classbase_rand_int(:seed, 233, n, 5)],
                   due.at - make_interval(days => 7 + classbase_rand_int(:seed, 234, n, 14)::int)
            from span as s
            cross join lateral generate_series(s.lo + 1, s.hi) as n
            cross join lateral (
                select date_trunc('day', :asOf - interval '175 days'
                       + make_interval(secs => 86400 * 195 * ((n - s.lo) - 0.5 + 0.4 * classbase_rand(:seed, 235, n)) / (s.hi - s.lo))
                       ) + interval '23 hours 59 minutes' as at
            ) as due
            """);
    }

    /** At least one bank per course, owned by the course's instructor. */
    static String questionBanks() {
        return distributedOverCourses("""
            insert into question_banks (tenant_id, id, course_id, owner_id, title, created_at)
            select s.tenant_id, n, s.course_id, s.instructor_id,
                   (array['Unit', 'Chapter', 'Topic', 'Review'])[1 + classbase_rand_int(:seed, 242, n, 4)] || ' '
                   || (n - s.lo) || ' question bank',
                   :asOf - make_interval(days => 190 + classbase_rand_int(:seed, 243, n, 30)::int)
            from span as s
            cross join lateral generate_series(s.lo + 1, s.hi) as n
            """);
    }

    /** 5 questions per bank plus a skewed share (weights u^2): some banks are large. */
    static String questions() {
        return """
            with share as (
                select b.tenant_id, b.id as bank_id, b.created_at,
                       :base * row_number() over (order by b.id)
                         + round((:n - :base * count(*) over ()) * sum(w) over (order by b.id) / sum(w) over ())::bigint as hi
                from (select qb.*, power(classbase_rand(:seed, 251, qb.id), 2)::numeric(12, 10) as w
                      from question_banks as qb) as b
            ), span as (
                select s.*, coalesce(lag(hi) over (order by bank_id), 0) as lo from share as s
            )
            insert into questions (tenant_id, id, question_bank_id, kind, prompt, answer, points, created_at)
            select s.tenant_id, n, s.bank_id, q.kind,
                   'Question ' || (n - s.lo) || ': '
                   || (array['Which statement best explains', 'Calculate the value of', 'Identify the main idea of',
                             'Compare and contrast', 'What is the result of', 'Describe the role of'])[1 + classbase_rand_int(:seed, 253, n, 6)]
                   || ' the example shown?',
                   case q.kind when 'multiple_choice' then jsonb_build_object('choices', 4, 'correct', classbase_rand_int(:seed, 254, n, 4))
                               when 'true_false' then jsonb_build_object('correct', classbase_rand(:seed, 254, n) < 0.5)
                               else null end,
                   case q.kind when 'essay' then 10 when 'short_answer' then 5 else 1 end,
                   s.created_at + make_interval(days => classbase_rand_int(:seed, 255, n, 20)::int)
            from span as s
            cross join lateral generate_series(s.lo + 1, s.hi) as n
            cross join lateral (
                select (array['multiple_choice', 'multiple_choice', 'multiple_choice', 'true_false',
                              'short_answer', 'essay'])[1 + classbase_rand_int(:seed, 252, n, 6)] as kind
            ) as q
            """;
    }

    /** Two quizzes per course at least, each drawing from the course's first question bank. */
    static String quizzes() {
        return distributedOverCourses("""
            insert into quizzes (tenant_id, id, course_id, question_bank_id, title, time_limit_minutes, due_at,
                                 created_at)
            select s.tenant_id, n, s.course_id, b.bank_id, 'Quiz ' || (n - s.lo),
                   (array[10, 15, 20, 30, 45])[1 + classbase_rand_int(:seed, 262, n, 5)],
                   due.at, due.at - interval '14 days'
            from span as s
            join (select course_id, min(id) as bank_id from question_banks group by course_id) as b
              on b.course_id = s.course_id
            cross join lateral generate_series(s.lo + 1, s.hi) as n
            cross join lateral (
                select date_trunc('hour', :asOf - interval '170 days'
                       + make_interval(secs => 86400 * 185 * ((n - s.lo) - 0.5 + 0.4 * classbase_rand(:seed, 263, n)) / (s.hi - s.lo))) as at
            ) as due
            """);
    }

    static String discussions() {
        return distributedOverCourses("""
            insert into discussions (tenant_id, id, course_id, author_id, title, created_at)
            select s.tenant_id, n, s.course_id, s.instructor_id,
                   (array['Introduce yourself', 'Questions about the reading', 'Project ideas', 'Study group',
                          'Weekly reflection', 'Exam review', 'Help with homework', 'Share a resource'])[1 + classbase_rand_int(:seed, 272, n, 8)],
                   :asOf - make_interval(days => 150 + classbase_rand_int(:seed, 273, n, 30)::int)
            from span as s
            cross join lateral generate_series(s.lo + 1, s.hi) as n
            """);
    }

    /** Course material; one in ten is in the tenant's shared library (no course). */
    static String resources() {
        return distributedOverCourses("""
            insert into resources (tenant_id, id, course_id, created_by, title, kind, url, created_at)
            select s.tenant_id, n,
                   case when classbase_rand(:seed, 282, n) < 0.1 then null else s.course_id end,
                   s.instructor_id,
                   (array['Reading guide', 'Lecture slides', 'Worked solutions', 'Reference sheet', 'Video walkthrough',
                          'Practice set', 'Rubric', 'Article'])[1 + classbase_rand_int(:seed, 283, n, 8)] || ' ' || (n - s.lo),
                   r.kind,
                   'https://resources.classbase.demo/' || r.kind || '/' || n,
                   :asOf - make_interval(days => 10 + classbase_rand_int(:seed, 285, n, 200)::int)
            from span as s
            cross join lateral generate_series(s.lo + 1, s.hi) as n
            cross join lateral (
                select (array['link', 'document', 'document', 'video', 'file'])[1 + classbase_rand_int(:seed, 284, n, 5)] as kind
            ) as r
            """);
    }

    /** Section and lesson id ranges per course (each course has at least one of each). */
    static String planCourseChildren() {
        return """
            update seed_course as sc
            set sec_lo = s.lo, sec_cnt = s.cnt, lesson_lo = l.lo, lesson_cnt = l.cnt
            from (select course_id, min(id) as lo, count(*) as cnt from sections group by course_id) as s,
                 (select course_id, min(id) as lo, count(*) as cnt from lessons group by course_id) as l
            where s.course_id = sc.course_id and l.course_id = sc.course_id
            """;
    }

    /**
     * Prefixes a per-course insert with the distribution: {@code base} children per course plus
     * the extra spread by a per-course workload weight (0.2 to 1.2). All course children share
     * that weight, so a course with many lessons also has many assignments and quizzes. The
     * insert reads {@code span(tenant_id, course_id, instructor_id, lo, hi)}.
     */
    private static String distributedOverCourses(String insert) {
        return """
            with share as (
                select c.tenant_id, c.course_id, c.instructor_id,
                       :base * row_number() over (order by c.course_id)
                         + round((:n - :base * count(*) over ()) * sum(w) over (order by c.course_id) / sum(w) over ())::bigint as hi
                from (select sc.*, (0.2 + classbase_rand(:seed, 290, sc.course_id))::numeric(12, 10) as w
                      from seed_course as sc) as c
            ), span as (
                select s.*, coalesce(lag(hi) over (order by course_id), 0) as lo from share as s
            )
            """ + insert;
    }
}
