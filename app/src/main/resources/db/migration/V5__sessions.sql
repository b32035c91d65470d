-- Sign-in and token lookup happen before the tenant is known, so row-level security (V6) would
-- hide every row from the service role. These SECURITY DEFINER functions run as the owner and
-- answer exactly one question each; only classbase_app may call them. search_path is pinned so a
-- caller cannot slip its own objects in front of ours (PostgreSQL manual, "Writing SECURITY
-- DEFINER Functions Safely").

-- The account of one email (case-insensitive, unique platform-wide: users_email_key).
create function classbase_find_login(p_email text)
returns table (tenant_id bigint, user_id bigint, role text, email text, full_name text,
               password_hash text, is_active boolean)
language sql stable security definer
set search_path = public, pg_temp
as $$
    select u.tenant_id, u.id, u.role, u.email, u.full_name, u.password_hash, u.is_active
    from users as u
    where lower(u.email) = lower(p_email)
$$;

-- The caller behind a token: unexpired session of an active user, or no row.
create function classbase_find_session(p_token_hash bytea)
returns table (tenant_id bigint, user_id bigint, role text, email text, expires_at timestamptz)
language sql stable security definer
set search_path = public, pg_temp
as $$
    select s.tenant_id, s.user_id, u.role, u.email, s.expires_at
    from user_sessions as s
    join users as u on u.tenant_id = s.tenant_id and u.id = s.user_id
    where s.token_hash = p_token_hash
      and s.expires_at > now()
      and u.is_active
$$;

-- Deletes up to p_batch expired sessions of any tenant and returns how many it deleted. The job
-- calls it until it returns less than a batch; SKIP LOCKED lets it pass rows a sign-out holds.
create function classbase_delete_expired_sessions(p_batch integer)
returns integer
language plpgsql volatile security definer
set search_path = public, pg_temp
as $$
declare
    deleted integer;
begin
    delete from user_sessions as s
    where s.token_hash in (
        select e.token_hash
        from user_sessions as e
        where e.expires_at <= now()
        order by e.expires_at
        limit p_batch
        for update skip locked);
    get diagnostics deleted = row_count;
    return deleted;
end
$$;

-- Expiry cleanup reads the oldest expired sessions first.
-- A partitioned index: PostgreSQL builds it on every partition (CONCURRENTLY is not available
-- for partitioned tables).
create index user_sessions_expires_at on user_sessions (expires_at);

revoke all on function classbase_find_login(text) from public;
revoke all on function classbase_find_session(bytea) from public;
revoke all on function classbase_delete_expired_sessions(integer) from public;

do $$
begin
    if exists (select 1 from pg_roles where rolname = 'classbase_app') then
        grant execute on function classbase_find_login(text) to classbase_app;
        grant execute on function classbase_find_session(bytea) to classbase_app;
        grant execute on function classbase_delete_expired_sessions(integer) to classbase_app;
    end if;
end
$$;
