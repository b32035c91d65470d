-- Exercise selection (ExerciseQueries.next): equality on tenant, language and difficulty, in id
-- order with a LIMIT: with id last the index returns the rows already ordered and the scan stops
-- at the limit, no sort. Single-column indexes on difficulty and programming_language
-- are not created: neither is selective alone and no query filters on one without the tenant.
-- Proven by ExercisePlanTests. CONCURRENTLY and alone in its script, as every index on a live table.
create index concurrently if not exists exercises_by_language_difficulty
    on exercises (tenant_id, programming_language, difficulty, id);
