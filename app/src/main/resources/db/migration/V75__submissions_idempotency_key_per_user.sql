-- An Idempotency-Key names one request of one user: two students of a tenant who pick the same key
-- send two requests and get two rows. The unique key moves from (tenant_id, idempotency_key) (V1)
-- to (tenant_id, user_id, idempotency_key); the insert's ON CONFLICT DO NOTHING still makes a
-- retry, even one racing the first request, wait for it and write nothing (SubmissionQueries).
-- SubmissionQueries.EXISTING finds a retry's first row through it (SubmissionPlanTests).
--
-- CONCURRENTLY: submissions takes writes all day, and a plain CREATE INDEX would block them for
-- the whole build; the old index goes after the new one exists, so a retry is never without a
-- unique key. Both statements are non-transactional, so Flyway runs this script outside a
-- transaction. A build that fails leaves an INVALID index (PostgreSQL manual, CREATE INDEX,
-- "Building Indexes Concurrently"): drop it and run the migration again.
create unique index concurrently if not exists submissions_user_idempotency_key
    on submissions (tenant_id, user_id, idempotency_key)
    where idempotency_key is not null;
drop index concurrently if exists submissions_idempotency_key;
