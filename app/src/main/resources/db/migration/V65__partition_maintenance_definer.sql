-- Partition maintenance as the service role (ops/partitions PartitionManager).
--
-- Only a table's owner may create, detach or drop its partitions, and the server's pools log in as
-- classbase_app, which owns nothing; reading a default partition directly, it sees no row either
-- (V6 enables row-level security on partitions without a policy). So, as V41 does for the views,
-- the daily job goes through SECURITY DEFINER functions that run as the owner, with a fixed
-- search_path, executable by the owner and classbase_app only, and each limited to one operation on
-- the monthly tables of DOMAIN.md (any other name is refused with SQLSTATE 22023):
--   * classbase_partition_default_rows(table)       how many rows sit in its default partition;
--   * classbase_partition_default_months(table)     the UTC months those rows fall in;
--   * classbase_partition_ensure(table, from, to)   V2's function: the missing months of [from, to),
--                                                   moving their rows out of the default partition;
--   * classbase_partition_retire(table, partition, archive_schema)
--                                                   detach one month (<table>_pYYYYMM) and drop it,
--                                                   or move it to an archive schema the owner owns.
-- DETACH ... CONCURRENTLY cannot run inside a function (PostgreSQL refuses it in a transaction block
-- or a function), so the retire function detaches plainly, as the manager does anyway for every
-- table with a default partition (the five below have one); the session's lock_timeout bounds it.
--
-- Also: a partition created after V6 had no row-level security of its own, so the service role could
-- read every tenant's rows by naming it. classbase_partition_ensure enables it on the months it
-- creates, and this migration on the months created since V6.

-- The tables partition maintenance manages, for the functions below and the manager's catalog query.
create function classbase_partition_managed_tables()
returns text[]
language sql
immutable
as $$
    select array['activity_logs', 'analytics_events', 'assessment_attempts', 'behavioral_indicators',
                 'learning_sessions']::text[]
$$;

-- One of those tables, or an error; not granted: only the functions below call it.
create function classbase_partition_parent(p_table text)
returns regclass
language plpgsql
stable
set search_path = public, pg_temp
as $$
begin
    if p_table is null or not (p_table = any (classbase_partition_managed_tables())) then
        raise exception 'not a table partition maintenance manages: %', p_table using errcode = '22023';
    end if;
    return format('public.%I', p_table)::regclass;
end
$$;

-- The default partition of a managed table, null if it has none.
create function classbase_partition_default_of(p_parent regclass)
returns regclass
language sql
stable
set search_path = public, pg_temp
as $$
    select i.inhrelid::regclass
    from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = p_parent and pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT'
$$;

create function classbase_partition_default_rows(p_table text)
returns bigint
language plpgsql
stable
security definer
set search_path = public, pg_temp
as $$
declare
    v_default regclass := classbase_partition_default_of(classbase_partition_parent(p_table));
    v_rows    bigint;
begin
    if v_default is null then
        return null;
    end if;
    execute format('select count(*) from %s', v_default) into v_rows;
    return v_rows;
end
$$;

create function classbase_partition_default_months(p_table text)
returns setof date
language plpgsql
stable
security definer
set search_path = public, pg_temp
as $$
declare
    v_parent  regclass := classbase_partition_parent(p_table);
    v_default regclass := classbase_partition_default_of(v_parent);
    v_key     text;
begin
    if v_default is null then
        return;
    end if;
    select a.attname into v_key
    from pg_partitioned_table pt
    join pg_attribute a on a.attrelid = pt.partrelid and a.attnum = pt.partattrs[0]
    where pt.partrelid = v_parent;
    return query execute format(
        'select distinct (date_trunc(''month'', %I, ''UTC'') at time zone ''UTC'')::date from %s order by 1',
        v_key, v_default);
end
$$;

create function classbase_partition_ensure(p_table text, p_from date, p_to date)
returns int
language plpgsql
security definer
set search_path = public, pg_temp
as $$
declare
    v_parent  regclass := classbase_partition_parent(p_table);
    v_created int;
    v_part    regclass;
begin
    -- the manager asks for at most months-ahead + 1 months (37); a bound, so a bad call cannot
    -- create thousands of tables
    if p_from is null or p_to is null
            or p_to > (date_trunc('month', p_from) + interval '60 months')::date then
        raise exception 'classbase_partition_ensure: [%, %) is not a range of at most 60 months', p_from, p_to
            using errcode = '22023';
    end if;
    v_created := classbase_ensure_monthly_partitions(v_parent, p_from, p_to);
    if v_created > 0 then
        for v_part in
            select c.oid::regclass
            from pg_inherits i join pg_class c on c.oid = i.inhrelid
            where i.inhparent = v_parent and not c.relrowsecurity
        loop
            execute format('alter table %s enable row level security', v_part);
        end loop;
    end if;
    return v_created;
end
$$;

-- p_partition: a month of p_table, attached (detached here first) or left detached by an earlier run
-- between its DETACH and its DROP. p_archive_schema: null drops it, else a schema the owner owns.
create function classbase_partition_retire(p_table text, p_partition text, p_archive_schema text default null)
returns text
language plpgsql
security definer
set search_path = public, pg_temp
as $$
declare
    v_parent  regclass := classbase_partition_parent(p_table);
    v_part    regclass;
    v_ispart  boolean;
    v_of      oid;
begin
    if p_partition is null or p_partition !~ ('^' || p_table || '_p[0-9]{6}$') then
        raise exception 'not a month of %: %', p_table, p_partition using errcode = '22023';
    end if;
    v_part := to_regclass(format('public.%I', p_partition));
    select c.relispartition, (select i.inhparent from pg_inherits i where i.inhrelid = c.oid)
      into v_ispart, v_of
    from pg_class c
    where c.oid = v_part and c.relkind = 'r' and pg_get_userbyid(c.relowner) = current_user;
    if not found then
        raise exception 'no table % owned by %', p_partition, current_user using errcode = '42P01';
    end if;
    if v_ispart and v_of <> v_parent then
        raise exception '% is a partition of %, not of %', p_partition, v_of::regclass, p_table
            using errcode = '22023';
    end if;
    if p_archive_schema is not null and not exists (
            select 1 from pg_namespace
            where nspname = p_archive_schema and pg_get_userbyid(nspowner) = current_user) then
        raise exception 'no schema % owned by %', p_archive_schema, current_user using errcode = '3F000';
    end if;
    -- detach and drop (or move) commit together: a failure leaves nothing half done
    if v_ispart then
        execute format('alter table %s detach partition %s', v_parent, v_part);
    end if;
    if p_archive_schema is null then
        execute format('drop table %s', v_part);
        return 'dropped';
    end if;
    execute format('alter table %s set schema %I', v_part, p_archive_schema);
    return 'archived';
end
$$;

revoke all on function classbase_partition_parent(text) from public;
revoke all on function classbase_partition_default_of(regclass) from public;
revoke all on function classbase_partition_default_rows(text) from public;
revoke all on function classbase_partition_default_months(text) from public;
revoke all on function classbase_partition_ensure(text, date, date) from public;
revoke all on function classbase_partition_retire(text, text, text) from public;

do $$
declare
    v_part regclass;
begin
    -- the months created after V6 (by migrations or maintenance) get row-level security, as V6 gave the others
    for v_part in
        select c.oid::regclass
        from pg_inherits i
        join pg_class c on c.oid = i.inhrelid
        join pg_class p on p.oid = i.inhparent
        where p.relnamespace = 'public'::regnamespace
          and p.relname = any (classbase_partition_managed_tables())
          and not c.relrowsecurity
    loop
        execute format('alter table %s enable row level security', v_part);
    end loop;
    if not exists (select 1 from pg_roles where rolname = 'classbase_app') then
        return;
    end if;
    grant execute on function classbase_partition_default_rows(text) to classbase_app;
    grant execute on function classbase_partition_default_months(text) to classbase_app;
    grant execute on function classbase_partition_ensure(text, date, date) to classbase_app;
    grant execute on function classbase_partition_retire(text, text, text) to classbase_app;
end
$$;
