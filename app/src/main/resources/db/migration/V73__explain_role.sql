-- The role the console's EXPLAIN runs as (ops/console ExplainSandbox): the console's connection
-- logs in as classbase_app and, inside each EXPLAIN's read-only transaction, SET LOCAL ROLE
-- classbase_explain. The statement then runs with this role's rights only:
--   * it owns nothing and is a member of nothing (no pg_monitor, no pg_signal_backend), so it cannot
--     signal the application's backends (pg_terminate_backend checks the current role) nor read
--     other sessions' query text;
--   * it may SELECT the tables under row-level security (V6), whose policies apply to it, and the
--     tenant_* views (V41); not the password hashes nor the session token hashes; nothing on the
--     tables without row-level security (console history, audit, alerts, mv_*);
--   * it may execute no SECURITY DEFINER function: each is revoked from PUBLIC here;
--   * with set_config revoked from PUBLIC (a superuser's change; EmbeddedCluster does it for the
--     embedded cluster), it cannot rebind app.tenant_id, its role or transaction_read_only.
-- Creating the role takes CREATEROLE (or a superuser); without it this is skipped with a notice, and
-- the console refuses EXPLAIN ANALYZE and says which statements turn it on.

-- The grants, as a function so they can be repeated by hand once the role exists (the owner or a
-- superuser runs it; revoked from PUBLIC). A table added later under row-level security is granted
-- in its own migration, or by running this again.
create function classbase_grant_explain_role()
returns void
language plpgsql
set search_path = public, pg_temp
as $$
declare
    t record;
    f record;
    -- columns no EXPLAIN may touch: a WHERE on them with EXPLAIN ANALYZE's row counts is an oracle
    secrets constant text[] := array['users.password_hash', 'user_sessions.token_hash'];
    cols text;
begin
    if not exists (select 1 from pg_roles where rolname = 'classbase_explain') then
        raise notice 'classbase_explain does not exist: nothing granted';
        return;
    end if;
    execute 'grant usage on schema public to classbase_explain';
    for t in
        select c.oid, c.oid::regclass as name, c.relname, c.relkind
        from pg_class as c
        where c.relnamespace = 'public'::regnamespace
          and not c.relispartition
          and pg_has_role(current_user, c.relowner, 'USAGE')
          and ((c.relkind in ('r', 'p') and c.relrowsecurity)
               or (c.relkind = 'v' and c.relname like 'tenant\_%'))
        order by c.relname
    loop
        select string_agg(quote_ident(a.attname), ', ' order by a.attnum)
        into cols
        from pg_attribute as a
        where a.attrelid = t.oid
          and a.attnum > 0
          and not a.attisdropped
          and t.relname || '.' || a.attname <> all (secrets);
        execute format('revoke all on %s from classbase_explain', t.name);
        if exists (select 1 from unnest(secrets) as s where s like t.relname || '.%') then
            -- column grants: a column added later stays unreadable until granted
            execute format('grant select (%s) on %s to classbase_explain', cols, t.name);
        else
            execute format('grant select on %s to classbase_explain', t.name);
        end if;
    end loop;
    -- SECURITY DEFINER functions run as their owner, past row-level security: only the roles that
    -- call them may. One PUBLIC still had keeps its callers: classbase_app and the owner.
    for f in
        select p.oid::regprocedure as name, p.proowner::regrole as owner,
               p.proacl is null
                   or exists (select 1 from aclexplode(p.proacl) as a
                              where a.grantee = 0 and a.privilege_type = 'EXECUTE') as public_may
        from pg_proc as p
        where p.pronamespace = 'public'::regnamespace
          and p.prosecdef
          and pg_has_role(current_user, p.proowner, 'USAGE')
    loop
        if f.public_may then
            execute format('revoke execute on function %s from public', f.name);
            execute format('grant execute on function %s to %s', f.name, f.owner);
            if exists (select 1 from pg_roles where rolname = 'classbase_app') then
                execute format('grant execute on function %s to classbase_app', f.name);
            end if;
        end if;
        execute format('revoke execute on function %s from classbase_explain', f.name);
    end loop;
end
$$;
revoke all on function classbase_grant_explain_role() from public;

do $$
declare
    me record;
begin
    if not exists (select 1 from pg_roles where rolname = 'classbase_app') then
        return;
    end if;
    select rolsuper, rolcreaterole into me from pg_roles where rolname = current_user;
    if not exists (select 1 from pg_roles where rolname = 'classbase_explain') then
        if not (me.rolsuper or me.rolcreaterole) then
            raise notice 'not creating classbase_explain: % may not create roles, so the console refuses EXPLAIN ANALYZE; a superuser can: CREATE ROLE classbase_explain NOLOGIN NOINHERIT; GRANT classbase_explain TO classbase_app; REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) FROM PUBLIC; GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) TO classbase_app, %; SELECT classbase_grant_explain_role();',
                current_user, current_user;
            return;
        end if;
        execute 'create role classbase_explain nologin noinherit';
    end if;
    if not pg_has_role('classbase_app', 'classbase_explain', 'MEMBER') then
        -- PostgreSQL 16+ gives the creating role ADMIN on the new role; before 16, CREATEROLE grants any
        if me.rolsuper
                or pg_has_role(current_user, 'classbase_explain', 'MEMBER WITH ADMIN OPTION')
                or (me.rolcreaterole and current_setting('server_version_num')::int < 160000) then
            execute 'grant classbase_explain to classbase_app';
        else
            raise notice 'not granting classbase_explain to classbase_app: % may not; a superuser can: GRANT classbase_explain TO classbase_app', current_user;
        end if;
    end if;
    if me.rolsuper then
        -- the server's pools, the data generator and pg_dump call set_config: the roles that connect
        -- (the service role, the database's owner) keep it
        execute 'revoke execute on function pg_catalog.set_config(text, text, boolean) from public';
        execute format('grant execute on function pg_catalog.set_config(text, text, boolean) to classbase_app, %I, %I',
                       current_user,
                       (select pg_get_userbyid(d.datdba) from pg_database as d where d.datname = current_database()));
    end if;
    perform classbase_grant_explain_role();
end
$$;
