-- Where the partition manager moves expired partitions when classbase.partitions.retention-action
-- is "archive" (ops/partitions). Created here, by the schema owner, so the daily job needs no
-- CREATE privilege on the database. The application role gets no access: archived months are for
-- operators (pg_dump, ad-hoc queries), not for the API.
create schema if not exists archive;
