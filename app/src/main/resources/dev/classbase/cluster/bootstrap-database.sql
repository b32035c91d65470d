-- Run by the embedded cluster as the superuser in the classbase database on every start of the
-- primary. Idempotent. A function's rights are per database.

CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
-- The weekly base backup by the server (ops/maintenance).
GRANT EXECUTE ON FUNCTION pg_backup_start(text, boolean), pg_backup_stop(boolean) TO classbase_app, classbase;
-- A statement the console explains as the explain role cannot rebind app.tenant_id (row-level
-- security, V6), its role or transaction_read_only; the roles that log in keep set_config.
REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) TO classbase_app, classbase;
