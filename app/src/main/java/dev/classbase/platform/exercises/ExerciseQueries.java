package dev.classbase.platform.exercises;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The exercises' SQL: selection, completion, streaks; one statement each. */
@Component
class ExerciseQueries {
    static final String NEXT = """
            select e.id, e.title, e.difficulty, e.programming_language, e.prompt
            from exercises as e
            where e.tenant_id = :tenant
              and e.programming_language = :language
              and e.difficulty = :difficulty
              and not exists (
                  select 1
                  from user_exercises as ue
                  where ue.tenant_id = e.tenant_id
                    and ue.user_id = :user
                    and ue.status = 'completed'
                    and ue.exercise_id = e.id)
            order by e.id
            limit :limit
            """;

    static final String LOCK_FOR_COMPLETION = """
            select e.id,
                   pg_advisory_xact_lock(hashtextextended(
                       'classbase.user_exercise:' || e.tenant_id || ':' || cast(:user as bigint) || ':' || e.id, 0))
            from exercises as e
            where e.tenant_id = :tenant and e.id = :exercise
            """;

    static final String COMPLETE = """
            with done as (
                select id, completed_at, score
                from user_exercises
                where tenant_id = :tenant and user_id = :user and exercise_id = :exercise
                  and status = 'completed'
                order by completed_at, id
                limit 1
            ), open as (
                select id
                from user_exercises
                where tenant_id = :tenant and user_id = :user and exercise_id = :exercise
                  and status <> 'completed'
                  and not exists (select 1 from done)
                order by created_at desc, id desc
                limit 1
            ), updated as (
                update user_exercises as ue
                set status = 'completed', completed_at = now(), score = cast(:score as numeric)
                from open
                where ue.tenant_id = :tenant and ue.id = open.id
                returning ue.id, ue.completed_at, ue.score
            ), inserted as (
                insert into user_exercises (tenant_id, user_id, exercise_id, status, score, created_at, completed_at)
                select :tenant, :user, :exercise, 'completed', cast(:score as numeric), now(), now()
                where not exists (select 1 from done) and not exists (select 1 from open)
                returning id, completed_at, score
            )
            select id, completed_at, score, false as created from done
            union all
            select id, completed_at, score, true from updated
            union all
            select id, completed_at, score, true from inserted
            """;

    static final String STREAK = """
            with days as (
                select distinct (ue.completed_at at time zone 'UTC')::date as day
                from user_exercises as ue
                where ue.tenant_id = :tenant and ue.user_id = :user and ue.status = 'completed'
                  and ue.completed_at < :until
            ), runs as (
                select min(day) as first_day, max(day) as last_day, count(*)::int as days
                from (select day, day - (row_number() over (order by day))::int as island from days) as d
                group by island
            )
            select u.id,
                   exists (select 1
                           from enrollments as en
                           join courses as c on c.tenant_id = en.tenant_id and c.id = en.course_id
                           where en.tenant_id = u.tenant_id and en.user_id = u.id
                             and c.instructor_id = :teacher) as taught,
                   cur.first_day, cur.last_day, coalesce(cur.days, 0) as current_days,
                   (select coalesce(max(days), 0) from runs) as longest
            from users as u
            left join lateral (
                select first_day, last_day, days
                from runs
                where last_day >= cast(:today as date) - 1
            ) as cur on true
            where u.tenant_id = :tenant and u.id = :user
            """;

    private final JdbcClient jdbc;

    ExerciseQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Exercises of a difficulty and language the user has not completed, in catalog order. The
     * catalog side reads exercises_by_language_difficulty in id order (no sort, stops at the
     * limit); the anti-join probes the user's completions in user_exercises_completed.
     */
    List<Exercise> next(long tenant, long user, String difficulty, String language, int limit) {
        return jdbc.sql(NEXT)
                .param("tenant", tenant)
                .param("user", user)
                .param("difficulty", difficulty)
                .param("language", language)
                .param("limit", limit)
                .query((rs, n) -> new Exercise(
                        rs.getLong("id"),
                        rs.getString("title"),
                        rs.getString("difficulty"),
                        rs.getString("programming_language"),
                        rs.getString("prompt")))
                .list();
    }

    /**
     * True when the tenant has the exercise, which is then locked for this user until the
     * transaction ends: user_exercises has no unique key on (user, exercise) (attempts repeat), so
     * two concurrent completions are serialized by a transaction-scoped advisory lock instead.
     */
    boolean lockForCompletion(long tenant, long user, long exercise) {
        return jdbc.sql(LOCK_FOR_COMPLETION)
                .param("tenant", tenant)
                .param("user", user)
                .param("exercise", exercise)
                .query((rs, n) -> rs.getLong("id"))
                .optional()
                .isPresent();
    }

    record Completed(long id, OffsetDateTime completedAt, BigDecimal score, boolean created) {}

    /**
     * Completes the exercise once: returns the earliest existing completion untouched, else marks
     * the user's latest open attempt completed, else inserts a completed attempt. Call under
     * {@link #lockForCompletion}.
     */
    Completed complete(long tenant, long user, long exercise, BigDecimal score) {
        return jdbc.sql(COMPLETE)
                .param("tenant", tenant)
                .param("user", user)
                .param("exercise", exercise)
                .param("score", score)
                .query((rs, n) -> new Completed(
                        rs.getLong("id"),
                        rs.getObject("completed_at", OffsetDateTime.class),
                        rs.getBigDecimal("score"),
                        rs.getBoolean("created")))
                .single();
    }

    record StreakRow(long userId, boolean taught, int current, LocalDate startedOn, LocalDate lastDay, int longest) {}

    /**
     * The user (empty when the tenant has no such user), whether {@code teacher} teaches a course
     * they are enrolled in, and their streaks: gaps and islands over the distinct UTC days with a
     * completion (day minus its rank is constant along a run of consecutive days). The current run
     * is the one ending today or yesterday. Completions are read from user_exercises_completed.
     */
    Optional<StreakRow> streak(long tenant, long user, long teacher, LocalDate today) {
        return jdbc.sql(STREAK)
                .param("tenant", tenant)
                .param("user", user)
                .param("teacher", teacher)
                .param("today", today)
                .param("until", today.plusDays(1).atStartOfDay().atOffset(java.time.ZoneOffset.UTC))
                .query((rs, n) -> new StreakRow(
                        rs.getLong("id"),
                        rs.getBoolean("taught"),
                        rs.getInt("current_days"),
                        rs.getObject("first_day", LocalDate.class),
                        rs.getObject("last_day", LocalDate.class),
                        rs.getInt("longest")))
                .optional();
    }
}
