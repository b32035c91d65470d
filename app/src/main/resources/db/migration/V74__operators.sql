-- Operators: platform staff who run the database console. Not rows of any tenant, so they live
-- apart from users (tenant-scoped, row-level security) and bind no tenant when signed in: every
-- tenant table then shows them no row. The service role reads and writes these tables only through
-- the SECURITY DEFINER functions below, each answering one question, search_path pinned
-- (PostgreSQL manual, "Writing SECURITY DEFINER Functions Safely"), as V5 does for users.
-- Accounts are managed by the owner (`classbase operators add|list|remove`).

create table operators (
    id            bigint      generated always as identity primary key,
    email         text        not null,
    password_hash text        not null,
    is_active     boolean     not null default true,
    created_at    timestamptz not null default now()
);
-- case-insensitive, as users_email_key; sign-in looks an email up by lower(email)
create unique index operators_email_key on operators (lower(email));

-- An operator's sessions: user_sessions references a tenant and a user, which an operator has
-- neither of. Few rows (a handful of staff), so one table, not hash partitions.
create table operator_sessions (
    token_hash   bytea       primary key,
    operator_id  bigint      not null references operators on delete cascade,
    expires_at   timestamptz not null,
    created_at   timestamptz not null default now(),
    check (expires_at > created_at)
);
create index operator_sessions_operator_fk on operator_sessions (operator_id);
create index operator_sessions_expires_at on operator_sessions (expires_at);

-- The account of one email, or no row.
create function classbase_find_operator_login(p_email text)
returns table (operator_id bigint, email text, password_hash text, is_active boolean)
language sql stable security definer
set search_path = public, pg_temp
as $$
    select o.id, o.email, o.password_hash, o.is_active
    from operators as o
    where lower(o.email) = lower(p_email)
$$;

-- A new session of an active operator; returns its expiry, or null when the operator is gone or
-- disabled (between the password check and this insert).
create function classbase_create_operator_session(p_token_hash bytea, p_operator_id bigint, p_ttl_seconds bigint)
returns timestamptz
language sql volatile security definer
set search_path = public, pg_temp
as $$
    insert into operator_sessions (token_hash, operator_id, expires_at)
    select p_token_hash, o.id, now() + make_interval(secs => p_ttl_seconds)
    from operators as o
    where o.id = p_operator_id and o.is_active
    returning expires_at
$$;

-- The operator behind a token: an unexpired session of an active operator, or no row. PL/pgSQL,
-- so each pooled connection plans it once (V8).
create function classbase_find_operator_session(p_token_hash bytea)
returns table (operator_id bigint, email text, expires_at timestamptz)
language plpgsql stable security definer
set search_path = public, pg_temp
as $$
begin
    return query
    select o.id, o.email, s.expires_at
    from operator_sessions as s
    join operators as o on o.id = s.operator_id
    where s.token_hash = p_token_hash
      and s.expires_at > now()
      and o.is_active;
end
$$;

-- Sign-out: true when the session existed.
create function classbase_delete_operator_session(p_token_hash bytea)
returns boolean
language plpgsql volatile security definer
set search_path = public, pg_temp
as $$
declare
    deleted integer;
begin
    delete from operator_sessions where token_hash = p_token_hash;
    get diagnostics deleted = row_count;
    return deleted > 0;
end
$$;

-- Expired operator sessions, up to p_batch, deleted by the session cleanup job beside the users'.
create function classbase_delete_expired_operator_sessions(p_batch integer)
returns integer
language plpgsql volatile security definer
set search_path = public, pg_temp
as $$
declare
    deleted integer;
begin
    delete from operator_sessions as s
    where s.token_hash in (
        select e.token_hash
        from operator_sessions as e
        where e.expires_at <= now()
        order by e.expires_at
        limit p_batch
        for update skip locked);
    get diagnostics deleted = row_count;
    return deleted;
end
$$;

revoke all on function classbase_find_operator_login(text) from public;
revoke all on function classbase_create_operator_session(bytea, bigint, bigint) from public;
revoke all on function classbase_find_operator_session(bytea) from public;
revoke all on function classbase_delete_operator_session(bytea) from public;
revoke all on function classbase_delete_expired_operator_sessions(integer) from public;

do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'classbase_app') then
        return;
    end if;
    -- V4's default privileges granted the new tables to the service role: take that back
    revoke all on operators, operator_sessions from classbase_app;
    revoke all on sequence operators_id_seq from classbase_app;
    grant execute on function classbase_find_operator_login(text) to classbase_app;
    grant execute on function classbase_create_operator_session(bytea, bigint, bigint) to classbase_app;
    grant execute on function classbase_find_operator_session(bytea) to classbase_app;
    grant execute on function classbase_delete_operator_session(bytea) to classbase_app;
    grant execute on function classbase_delete_expired_operator_sessions(integer) to classbase_app;
end
$$;
