-- Tenant isolation by row-level security. Every transaction of the server starts with
-- SET LOCAL app.tenant_id (the data tier's tenant binding, dev.classbase.data.tenancy), which is safe under
-- PgBouncer's transaction pooling. The policies let classbase_app see and write only that tenant's
-- rows; with no tenant set, nullif(...) is null and no row matches. The owner (migrations, the
-- data generator, ops commands) bypasses them: RLS is enabled, not forced.
--
-- Partitioned tables get the policy on the parent, which is what applies to every query through
-- the parent. Their partitions get RLS enabled without a policy: a query naming a partition
-- directly sees nothing, instead of every tenant's rows.
do $$
declare
    t record;
    tenant_expr constant text := 'nullif(current_setting(''app.tenant_id'', true), '''')::bigint';
begin
    for t in
        select c.oid::regclass as name, c.relispartition
        from pg_class as c
        join pg_namespace as n on n.oid = c.relnamespace
        where n.nspname = current_schema()
          and c.relkind in ('r', 'p')
          and exists (select 1 from pg_attribute as a
                      where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
        order by c.relname
    loop
        execute format('alter table %s enable row level security', t.name);
        if not t.relispartition then
            execute format('create policy tenant_isolation on %s using (tenant_id = %s) with check (tenant_id = %s)',
                           t.name, tenant_expr, tenant_expr);
        end if;
    end loop;
    alter table tenants enable row level security;
    execute format('create policy tenant_isolation on tenants using (id = %s) with check (id = %s)',
                   tenant_expr, tenant_expr);
end
$$;
