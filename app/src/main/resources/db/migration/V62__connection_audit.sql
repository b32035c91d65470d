-- Every cancel and terminate asked of the console (ops/console ConnectionController): who asked,
-- when, which backend and what it was running, and what came of it. Append-only for the service
-- role (insert and select, no update or delete), so the app cannot rewrite its own audit trail.
-- Not tenant data: no row-level security.

create table connection_audit (
    id                 bigint generated always as identity primary key,
    at                 timestamptz not null default now(),
    action             text        not null check (action in ('cancel', 'terminate')),
    outcome            text        not null check (outcome in ('signalled', 'not_signalled', 'not_found', 'refused')),
    actor_user_id      bigint      not null,
    actor_email        text        not null,
    pid                integer     not null,
    target_user        text,
    target_application text,
    target_client      text,
    target_state       text,
    query              text,
    detail             text
);
create index connection_audit_at on connection_audit (at);

do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'classbase_app') then
        return;
    end if;
    revoke all on connection_audit from classbase_app;
    grant select, insert on connection_audit to classbase_app;
end
$$;
