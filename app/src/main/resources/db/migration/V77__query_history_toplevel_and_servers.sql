-- Query history, second shape (V61 is the first).
--
-- toplevel: pg_stat_statements (PostgreSQL 14+) keeps a statement run inside a function
-- (pg_stat_statements.track = all) apart from the same statement sent by a client, with toplevel
-- false. Its time is also inside its caller's, so the console lists top-level statements unless
-- asked for nested ones, and the history keeps the two apart. The old baselines summed both: they
-- are dropped with the reset times, so each server's next reading is a baseline again, which books
-- no delta (a first reading's counters ran since the server started, before any window).
--
-- query_history_servers: per snapshot and server, the growth of pg_stat_database's commits and
-- rollbacks and of pg_stat_wal, beside the statements. COMMIT sent through the extended protocol
-- (pgjdbc's commit()) is not a pg_stat_statements entry, yet each write's commit waits for its WAL
-- flush: this is where that cost shows. Null where a server's first reading or a counter it lacks
-- gives no delta. query_history_server_baseline holds the counters seen last, as
-- query_history_baseline does for statements.

alter table query_history add column toplevel boolean not null default true;
alter table query_history drop constraint query_history_pkey,
    add primary key (snapshot_id, server, queryid, userid, dbid, toplevel);

truncate query_history_baseline;
delete from query_history_resets;
alter table query_history_baseline add column toplevel boolean not null default true;
alter table query_history_baseline drop constraint query_history_baseline_pkey,
    add primary key (server, queryid, userid, dbid, toplevel);

create table query_history_servers (
    snapshot_id      bigint           not null references query_history_snapshots on delete cascade,
    server           text             not null,
    commits          bigint,
    rollbacks        bigint,
    wal_records      bigint,
    wal_fpi          bigint,
    wal_bytes        bigint,
    wal_buffers_full bigint,
    wal_write        bigint,
    wal_sync         bigint,
    wal_write_ms     double precision,
    wal_sync_ms      double precision,
    primary key (snapshot_id, server)
);

create table query_history_server_baseline (
    server           text primary key,
    db_stats_reset   timestamptz,
    wal_stats_reset  timestamptz,
    commits          bigint,
    rollbacks        bigint,
    wal_records      bigint,
    wal_fpi          bigint,
    wal_bytes        bigint,
    wal_buffers_full bigint,
    wal_write        bigint,
    wal_sync         bigint,
    wal_write_ms     double precision,
    wal_sync_ms      double precision
);

do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'classbase_app') then
        return;
    end if;
    grant select, insert, update, delete on query_history_servers, query_history_server_baseline to classbase_app;
end
$$;
