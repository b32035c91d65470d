-- The readiness probe asks whether the schema is at the version the server's code needs: the
-- service role reads (only reads) the schema history for that. V4 left the table out of its
-- grants; where the role does not exist (V4's case) nothing is granted and readiness says why.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'classbase_app')
       AND to_regclass('flyway_schema_history') IS NOT NULL THEN
        EXECUTE 'GRANT SELECT ON flyway_schema_history TO classbase_app';
    END IF;
END
$$;
