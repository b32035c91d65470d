-- classbase_find_session runs on every authenticated request. As a SQL function that is SECURITY
-- DEFINER with its own search_path it is never inlined, and PostgreSQL plans its body again on every
-- call: about 0.8 ms of server CPU per request for a 0.04 ms query (measured with
-- pg_stat_statements under the catalog benchmark). PL/pgSQL keeps the plan of its query for the
-- session, so the pooled connections plan it once. Same arguments, same result, same grants.
create or replace function classbase_find_session(p_token_hash bytea)
returns table (tenant_id bigint, user_id bigint, role text, email text, expires_at timestamptz)
language plpgsql stable security definer
set search_path = public, pg_temp
as $$
begin
    return query
    select s.tenant_id, s.user_id, u.role, u.email, s.expires_at
    from user_sessions as s
    join users as u on u.tenant_id = s.tenant_id and u.id = s.user_id
    where s.token_hash = p_token_hash
      and s.expires_at > now()
      and u.is_active;
end
$$;
