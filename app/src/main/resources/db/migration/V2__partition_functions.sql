-- Monthly partition maintenance for the range-partitioned tables.
--
-- classbase_ensure_monthly_partitions(table, from, to) creates every missing monthly partition
-- <table>_pYYYYMM covering [from, to) (from is rounded down to the first of its month) and
-- returns how many it created. It is idempotent: a month whose partition already exists is
-- skipped. Month bounds are UTC midnights, so the layout does not depend on the session's
-- TimeZone.
--
-- A DEFAULT partition complicates this: PostgreSQL refuses to create a partition whose range
-- holds rows that sit in the default partition. If the default is empty (the normal case) the
-- partition is simply created. If it holds rows of that month, they are moved: the default is
-- detached, the new partition created, the rows re-inserted through the parent and the default
-- re-attached, all inside the caller's transaction.
create or replace function classbase_ensure_monthly_partitions(p_table regclass, p_from date, p_to date)
returns int
language plpgsql
as $$
declare
    v_schema  text;
    v_name    text;
    v_key     text;
    v_default regclass;
    v_month   date;
    v_part    text;
    v_lo      timestamptz;
    v_hi      timestamptz;
    v_moved   boolean;
    v_created int := 0;
begin
    select n.nspname, c.relname into v_schema, v_name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.oid = p_table;

    select a.attname into v_key
    from pg_partitioned_table pt
    join pg_attribute a on a.attrelid = pt.partrelid and a.attnum = pt.partattrs[0]
    where pt.partrelid = p_table and pt.partstrat = 'r' and pt.partnatts = 1;
    if v_key is null then
        raise exception '% is not range-partitioned on a single column', p_table;
    end if;

    select i.inhrelid::regclass into v_default
    from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    where i.inhparent = p_table and pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT';

    v_month := date_trunc('month', p_from)::date;
    while v_month < p_to loop
        v_part := format('%s_p%s', v_name, to_char(v_month, 'YYYYMM'));
        if to_regclass(format('%I.%I', v_schema, v_part)) is null then
            v_lo := v_month::timestamp at time zone 'UTC';
            v_hi := (v_month + interval '1 month')::timestamp at time zone 'UTC';
            v_moved := false;
            if v_default is not null then
                execute format('select exists (select 1 from %s where %I >= $1 and %I < $2)',
                               v_default, v_key, v_key)
                    into v_moved using v_lo, v_hi;
            end if;
            if v_moved then
                execute format('alter table %s detach partition %s', p_table, v_default);
            end if;
            execute format('create table %I.%I partition of %s for values from (%L) to (%L)',
                           v_schema, v_part, p_table, v_lo, v_hi);
            if v_moved then
                execute format('insert into %s select * from %s where %I >= $1 and %I < $2',
                               p_table, v_default, v_key, v_key) using v_lo, v_hi;
                execute format('delete from %s where %I >= $1 and %I < $2',
                               v_default, v_key, v_key) using v_lo, v_hi;
                execute format('alter table %s attach partition %s default', p_table, v_default);
            end if;
            v_created := v_created + 1;
        end if;
        v_month := (v_month + interval '1 month')::date;
    end loop;
    return v_created;
end
$$;

-- 18 months of history (the default analytics retention) and 5 months ahead.
do $$
declare
    v_table regclass;
    v_from  date := (date_trunc('month', now()) - interval '18 months')::date;
    v_to    date := (date_trunc('month', now()) + interval '5 months')::date;
begin
    foreach v_table in array array['analytics_events', 'activity_logs', 'learning_sessions',
                                   'behavioral_indicators', 'assessment_attempts']::regclass[]
    loop
        perform classbase_ensure_monthly_partitions(v_table, v_from, v_to);
    end loop;
end
$$;
