-- A student's latest activity (AtRiskQueries.atRisk: max(created_at) before a moment, per
-- student): newest first per user, so each partition answers with one index entry instead of
-- every row of the user. Proven by AtRiskPlanTests.
--
-- A plain CREATE INDEX on the partitioned parent, not CONCURRENTLY: PostgreSQL refuses
-- CONCURRENTLY on a partitioned table, and the alternative (CREATE INDEX ON ONLY the parent,
-- CREATE INDEX CONCURRENTLY on every partition, ALTER INDEX ... ATTACH PARTITION) needs the
-- partition names, which classbase_ensure_monthly_partitions (V2) makes relative to the day the
-- migration runs, so a static script cannot list them. The lock is SHARE on one partition at a
-- time while its piece is built: writes of activity logs wait, reads do not. activity_logs keeps
-- a short retention (90 days of partitions with rows), so each piece is small; on a big
-- installation run this migration in a quiet hour. Partitions created later get the index
-- automatically.
create index if not exists activity_logs_user_recent
    on activity_logs (tenant_id, user_id, created_at desc);
