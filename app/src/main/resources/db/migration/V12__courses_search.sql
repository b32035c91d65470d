-- Catalog text search (CatalogQueries.SEARCH): search_vector @@ websearch_to_tsquery(...).
-- A full-text GIN index, partial on published courses (the only ones searched).
-- GIN cannot lead with tenant_id (that would need btree_gin); the tenant is a recheck filter on
-- the few matching rows. Proven by CatalogPlanTests.
create index concurrently if not exists courses_search
    on courses using gin (search_vector)
    where status = 'published';
