-- Catalog browse by category (CatalogQueries.BROWSE_CATEGORY): published courses of one
-- category in (title, id) order, keyset-paginated. An index on (status, category), made
-- partial (only published courses are ever browsed, so status need not be a column) and
-- extended with the sort keys, so a page is one index range read in order, no sort.
-- Proven by CatalogPlanTests. CONCURRENTLY: no write lock on courses while it builds; Flyway
-- runs this script outside a transaction (one statement per script).
create index concurrently if not exists courses_published_category
    on courses (tenant_id, category, title, id)
    where status = 'published';
