-- A user's recent events, newest first (EventQueries.OF_USER; also what engagement's "last
-- activity" and at-risk's "recent activity" ask): an index on (user, time),
-- led by tenant_id, with id last for the (occurred_at, id) keyset. Proven by EventPlanTests.
--
-- Not CONCURRENTLY: PostgreSQL cannot build an index concurrently on a partitioned table, and
-- the monthly partitions present when this runs depend on the date (V2 creates them relative to
-- now()), so a script cannot name them. On a fresh or small database this plain build is quick;
-- it blocks writes to analytics_events while it runs. On a large live database build it ahead by
-- hand without blocking ingestion: CREATE INDEX ... ON ONLY analytics_events (invalid parent),
-- then for each partition CREATE INDEX CONCURRENTLY and ALTER INDEX ... ATTACH PARTITION; this
-- script then finds the index and does nothing. Partitions created later get it automatically.
create index if not exists analytics_events_user_time
    on analytics_events (tenant_id, user_id, occurred_at, id);
