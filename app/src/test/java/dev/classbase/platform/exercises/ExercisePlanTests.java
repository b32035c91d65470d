package dev.classbase.platform.exercises;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classbase.platform.fixtures.Plans;
import dev.classbase.testsupport.ScaleS;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The exercise queries on scale-S data use the indexes of V20 and V21. */
class ExercisePlanTests {
    private static DataSource scaleS;
    private static long tenant;
    private static long user;
    private static String language;

    @BeforeAll
    static void data() {
        scaleS = ScaleS.ownerDataSource();
        JdbcClient db = JdbcClient.create(scaleS);
        // a student with completions, in a tenant in the middle of the set
        var row = db.sql("""
                        select ue.tenant_id, ue.user_id
                        from user_exercises as ue
                        where ue.status = 'completed' and ue.tenant_id = 7
                        order by ue.user_id
                        limit 1
                        """)
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .single();
        tenant = row[0];
        user = row[1];
        language = db.sql("""
                        select e.programming_language from user_exercises as ue
                        join exercises as e on e.tenant_id = ue.tenant_id and e.id = ue.exercise_id
                        where ue.tenant_id = :t and ue.user_id = :u and ue.status = 'completed'
                        limit 1
                        """)
                .param("t", tenant)
                .param("u", user)
                .query(String.class)
                .single();
    }

    @Test
    void nextExercisesReadTheCatalogIndexAndProbeTheCompletions() {
        var plan = Plans.explainAsService(
                ExerciseQueries.NEXT,
                Map.of("tenant", tenant, "user", user, "difficulty", "medium", "language", language, "limit", 10));
        assertThat(Plans.indexNames(plan))
                .as(plan.toString())
                .contains("exercises_by_language_difficulty", "user_exercises_completed");
    }

    @Test
    void theStreakReadsTheUsersCompletionsFromTheIndex() {
        LocalDate today = LocalDate.of(2026, 11, 2);
        var plan = Plans.explainAsService(
                ExerciseQueries.STREAK,
                Map.of(
                        "tenant",
                        tenant,
                        "user",
                        user,
                        "teacher",
                        0L,
                        "today",
                        today,
                        "until",
                        today.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC)));
        assertThat(Plans.indexNames(plan)).as(plan.toString()).contains("user_exercises_completed");
    }

    @Test
    void completionFindsTheExistingCompletionByIndex() {
        long exercise = JdbcClient.create(scaleS)
                .sql(
                        "select exercise_id from user_exercises where tenant_id = :t and user_id = :u and status = 'completed' limit 1")
                .param("t", tenant)
                .param("u", user)
                .query(Long.class)
                .single();
        Map<String, Object> params = new java.util.HashMap<>();
        params.put("tenant", tenant);
        params.put("user", user);
        params.put("exercise", exercise);
        params.put("score", null);
        var plan = Plans.explainAsService(ExerciseQueries.COMPLETE, params);
        assertThat(Plans.indexNames(plan)).as(plan.toString()).contains("user_exercises_completed");
    }
}
