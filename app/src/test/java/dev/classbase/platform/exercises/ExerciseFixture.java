package dev.classbase.platform.exercises;

import dev.classbase.platform.fixtures.Classroom;
import dev.classbase.platform.fixtures.Replicas;
import dev.classbase.testsupport.TestCluster;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A catalog and completion history of a test's own, on a {@link Classroom} of 4 students (written
 * as the owner; days are UTC days counted back from today):
 *
 * <ul>
 *   <li>{@code easyPython} python exercises of difficulty easy, 4 medium python, 4 easy java;
 *   <li>student 0: completed easy python 0 today and easy java 0 today (one day, two completions),
 *       easy python 1 yesterday, medium python 0 two days ago, and has easy python 2 in progress:
 *       a current run of 3 days;
 *   <li>student 1: completions 2 and 3 days ago (nothing yesterday or today) and 10, 11, 12 days
 *       ago: no current run, longest 3;
 *   <li>student 2: one completion yesterday, none today: a current run of 1 that ends yesterday;
 *   <li>student 3: no completions.
 * </ul>
 */
record ExerciseFixture(Classroom classroom, List<Long> easyPython, List<Long> mediumPython, List<Long> easyJava) {

    static ExerciseFixture create(int easyPython) {
        Classroom room = Classroom.create(4, 0);
        JdbcClient db = JdbcClient.create(TestCluster.shared().primaryDataSource());
        long t = room.tenantId();
        List<Long> pyEasy = exercises(db, t, "python", "easy", easyPython);
        List<Long> pyMedium = exercises(db, t, "python", "medium", 4);
        List<Long> javaEasy = exercises(db, t, "java", "easy", 4);
        List<Long> s = room.studentIds();
        completed(db, t, s.get(0), pyEasy.get(0), 0);
        completed(db, t, s.get(0), javaEasy.get(0), 0);
        completed(db, t, s.get(0), pyEasy.get(1), 1);
        completed(db, t, s.get(0), pyMedium.get(0), 2);
        db.sql("""
                        insert into user_exercises (tenant_id, user_id, exercise_id, status, created_at)
                        values (:t, :u, :e, 'in_progress', now() - interval '1 hour')
                        """).param("t", t).param("u", s.get(0)).param("e", pyEasy.get(2)).update();
        for (int daysAgo : new int[] {2, 3, 10, 11, 12}) {
            completed(db, t, s.get(1), pyEasy.get(daysAgo % pyEasy.size()), daysAgo);
        }
        completed(db, t, s.get(2), pyEasy.get(0), 1);
        Replicas.await("select count(*) = 11 from user_exercises where tenant_id = :t", Map.of("t", t));
        return new ExerciseFixture(room, pyEasy, pyMedium, javaEasy);
    }

    private static List<Long> exercises(JdbcClient db, long tenant, String language, String difficulty, int n) {
        return db
                .sql("""
                        insert into exercises (tenant_id, title, difficulty, programming_language, prompt)
                        select :t, :lang || ' ' || :diff || ' #' || k, :diff, :lang, 'Solve it.'
                        from generate_series(1, :n) as k
                        order by k
                        returning id
                        """)
                .param("t", tenant)
                .param("lang", language)
                .param("diff", difficulty)
                .param("n", n)
                .query(Long.class)
                .list()
                .stream()
                .sorted()
                .toList();
    }

    /** A completion at 00:01 UTC {@code daysAgo} days before today (today's is never in the future). */
    private static void completed(JdbcClient db, long tenant, long user, long exercise, int daysAgo) {
        db.sql("""
                        insert into user_exercises (tenant_id, user_id, exercise_id, status, score, created_at, completed_at)
                        select :t, :u, :e, 'completed', 80, at - interval '30 minutes', at
                        from (select date_trunc('day', now(), 'UTC') - make_interval(days => :d) + interval '1 minute' as at) as x
                        """)
                .param("t", tenant)
                .param("u", user)
                .param("e", exercise)
                .param("d", daysAgo)
                .update();
    }
}
