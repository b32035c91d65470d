-- The caller's completed exercises, for three queries of platform/exercises (ExerciseQueries):
--   * next exercises: NOT EXISTS (completed row for user, exercise) -> probes (tenant_id, user_id, exercise_id);
--   * completion: the existing completion of (user, exercise), if any -> id, completed_at, score;
--   * streak: every completion day of one user -> completed_at.
-- Each is an index-only scan: completed_at, id and score ride along in INCLUDE. Without id and score
-- the completion had to visit the heap, and the planner rightly preferred the smaller, deduplicated
-- user_exercises_user_fk (tenant_id, user_id) plus a filter: on scale-S data a user's ~10 attempts
-- sit on one heap page (user_id correlation 0.999), so both cost one page. Covering, this index
-- answers from the index alone, whatever the heap layout of a long-lived user's attempts.
-- Partial on status = 'completed': pending and in-progress attempts (about 20 % of the seed's rows)
-- are never asked for here. Not unique: a user may have completed an exercise twice before
-- completion became idempotent (the seed's attempts repeat), so completion serializes with an
-- advisory lock instead. Proven by ExercisePlanTests.
--
-- CONCURRENTLY: user_exercises is written all day (10 attempts per user at scale S); a plain
-- CREATE INDEX would block those writes for the whole build. Alone in its script, which Flyway
-- then runs outside a transaction.
create index concurrently if not exists user_exercises_completed
    on user_exercises (tenant_id, user_id, exercise_id) include (completed_at, id, score)
    where status = 'completed';
