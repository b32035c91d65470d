-- History for the database console (ops/console): pg_stat_statements and relation sizes over time.
--
-- Query history. pg_stat_statements holds counters since its last reset. PgHero's history resets
-- them after every capture, which blinds every other reader; here they are never reset. Every
-- snapshot (HistoryJob: five minutes by default, one runner per cluster) stores per (server,
-- queryid, userid, dbid) the growth since the previous snapshot, computed against
-- query_history_baseline (the counters seen last time). A counter that went down, an entry that was
-- evicted and came back, or a new stats_reset in pg_stat_statements_info (query_history_resets)
-- means the counters restarted: the new value is the delta. The counters are per server, and reads
-- are routed to the replicas, so every server is read (server: 'primary' or the replica's name) and
-- its deltas are written here, on the primary. The statement text is kept once per statement: the
-- text of its first execution, which carries the data tier's route comment (data/watch/RouteComment)
-- that per-endpoint attribution reads. Kept 14 days; old snapshots are deleted a few at a time.
--
-- Space history. One row per table, index and materialized view per day (SpaceHistoryJob), kept 90
-- days: growth, beside the live report of ops/space.
--
-- Not tenant data: no row-level security. The service role writes both.

create table query_history_snapshots (
    id           bigint generated always as identity primary key,
    taken_at     timestamptz not null default now(),
    statements   integer     not null,
    -- servers read, and those that did not answer (their next delta covers the gap)
    servers      text[]      not null default '{}',
    missed       text[]      not null default '{}',
    took_ms      integer     not null default 0
);
create index query_history_snapshots_taken_at on query_history_snapshots (taken_at);

create table query_history (
    snapshot_id      bigint           not null references query_history_snapshots on delete cascade,
    server           text             not null,
    queryid          bigint           not null,
    userid           oid              not null,
    dbid             oid              not null,
    calls            bigint           not null,
    total_exec_ms    double precision not null,
    rows             bigint           not null,
    shared_blks_hit  bigint           not null,
    shared_blks_read bigint           not null,
    primary key (snapshot_id, server, queryid, userid, dbid)
);
-- per-query series (?queryid=) and endpoint attribution join on the statement
create index query_history_queryid on query_history (queryid, snapshot_id);

-- the cumulative counters at the last snapshot, the base of the next deltas
create table query_history_baseline (
    server           text             not null,
    queryid          bigint           not null,
    userid           oid              not null,
    dbid             oid              not null,
    calls            bigint           not null,
    total_exec_ms    double precision not null,
    rows             bigint           not null,
    shared_blks_hit  bigint           not null,
    shared_blks_read bigint           not null,
    primary key (server, queryid, userid, dbid)
);

-- pg_stat_statements_info.stats_reset per server at its last snapshot
create table query_history_resets (
    server      text primary key,
    stats_reset timestamptz
);

create table query_history_statements (
    server      text        not null,
    queryid     bigint      not null,
    userid      oid         not null,
    dbid        oid         not null,
    query       text        not null,
    -- the text of the data tier's leading comment (route:GET /api/v1/..., job:...), null without one
    route       text,
    first_seen  timestamptz not null default now(),
    last_seen   timestamptz not null default now(),
    primary key (server, queryid, userid, dbid)
);

create table space_history (
    taken_on   date   not null,
    kind       text   not null check (kind in ('table', 'index', 'materialized view')),
    schema_name text  not null,
    name       text   not null,
    -- the table an index belongs to; the relation itself otherwise
    table_name text   not null,
    bytes      bigint not null,
    primary key (taken_on, kind, schema_name, name)
);

do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'classbase_app') then
        return;
    end if;
    grant select, insert, update, delete on query_history_snapshots, query_history, query_history_baseline,
        query_history_resets, query_history_statements, space_history to classbase_app;
end
$$;
