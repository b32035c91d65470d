-- analytics_events takes more inserts than any other table (an ingestion goal of 50k events/s), and its two
-- foreign keys were checked row by row: two index probes through the SPI per event, 2,000 per
-- batch of 1,000, about a third of the insert's cost (pgbench, 1,000-event batches at 4 clients:
-- 49.7 batches/s with both keys, 58.4 without the users key, 64.7-71.8 without either;
-- docs/ANALYTICS.md "Ingestion").
--
-- What they guarded is kept by other means:
-- * (tenant_id) -> tenants: the row-level security policy's WITH CHECK only admits the tenant bound
--   to the transaction, which comes from a signed-in session of that tenant.
-- * (tenant_id, user_id) -> users: the ingestion statement (EventQueries.insert) checks the batch's
--   distinct users once (one probe per distinct user, about 50 per batch) and writes nothing when
--   one is not a user of the tenant; the API answers 400 as it did for the foreign key's error.
-- What is given up: a user row is no longer locked (FOR KEY SHARE) while their events are written,
-- so a user deleted at that moment could leave events behind. classbase never deletes users (they
-- are deactivated), and analytics history outliving a user is what the rollups keep anyway.
-- The data generator and the partition manager write as the owner and were never checked by
-- these keys' purpose (they copy rows that were valid when written).
alter table analytics_events
    drop constraint if exists analytics_events_tenant_id_user_id_fkey,
    drop constraint if exists analytics_events_tenant_id_fkey;
