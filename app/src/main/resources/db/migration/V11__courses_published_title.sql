-- Catalog browse of every category (CatalogQueries.BROWSE): published courses in (title, id)
-- order after a keyset position. Proven by CatalogPlanTests.
create index concurrently if not exists courses_published_title
    on courses (tenant_id, title, id)
    where status = 'published';
