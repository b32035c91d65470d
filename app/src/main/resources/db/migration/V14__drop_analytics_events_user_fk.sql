-- analytics_events_user_fk (tenant_id, user_id) is a prefix of analytics_events_user_time (V13),
-- which serves the foreign key's lookups as well: one index less to maintain on the table that
-- takes the most inserts. (A partitioned index cannot be dropped concurrently.)
drop index if exists analytics_events_user_fk;
